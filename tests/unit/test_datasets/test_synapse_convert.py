"""Raw Synapse volumes -> mmseg's slices, written by the converter itself, one whole run."""

import json

import nibabel as nib
import numpy as np
import pytest
import tifffile
from PIL import Image

from attn_unet.datasets import check_synapse_layout
from attn_unet.datasets.conversion_record import RECORD_NAME
from attn_unet.datasets.synapse_convert import SynapseConvertError, convert_synapse
from attn_unet.errors import DatasetLayoutError
from attn_unet.slicing.ct_slices import SliceSpec
from attn_unet.slicing.intensity_range import channel_range, scan_percentiles
from tests.helpers.data_fixtures import PHANTOM_SIZE, PHANTOM_SLICES, PHANTOM_TRAIN, PHANTOM_VAL
from tests.helpers.mmseg_converters import run_mmseg_converter
from tests.helpers.tools import file_hashes

CASES = {'train': ['0005', '0006'], 'val': ['0001']}


@pytest.mark.parametrize('split', ['train', 'val'])
def test_converted_slices_are_named_and_labelled_as_mmseg_writes_them(phantom_converted, split):
    images = sorted(p.name for p in (phantom_converted / 'img_dir' / split).iterdir())
    labels = sorted(p.name for p in (phantom_converted / 'ann_dir' / split).iterdir())
    expected = [f'case{c}_slice{z:03d}' for c in CASES[split] for z in range(PHANTOM_SLICES)]
    assert images == [f'{stem}.jpg' for stem in expected]
    assert labels == [f'{stem}.png' for stem in expected]
    label = np.array(Image.open(phantom_converted / 'ann_dir' / split / labels[0]))
    assert label.shape == PHANTOM_SIZE
    assert check_synapse_layout(phantom_converted, f'img_dir/{split}', f'ann_dir/{split}') == len(
        expected
    )


def test_labels_follow_mmseg_mapping(phantom_raw, phantom_converted):
    raw = nib.load(phantom_raw / 'label/label0005.nii.gz').get_fdata()
    ids = set()
    for z in range(PHANTOM_SLICES):
        ids |= set(
            np.unique(Image.open(phantom_converted / f'ann_dir/train/case0005_slice{z:03d}.png'))
        )
    assert ids <= set(range(9))
    # BTCV 11 (pancreas) -> 6, 6 (liver) -> 5; 5 esophagus, 9 IVC, 10 veins, 12/13 adrenals -> 0
    assert (6 in ids) == bool((raw == 11).any()) and 5 in ids


def test_returns_slice_counts(phantom_raw, tmp_path):
    counts = convert_synapse(phantom_raw, tmp_path / 'out', progress=False)
    assert counts == {'train': 2 * PHANTOM_SLICES, 'val': PHANTOM_SLICES, 'non_finite': {}}


def _no_root(raw):
    return raw / 'nowhere'


def _no_label_dir(raw):
    for path in (raw / 'label').iterdir():
        path.unlink()
    (raw / 'label').rmdir()
    return raw


def _no_val_list(raw):
    (raw / 'val.txt').unlink()
    return raw


def _missing_case(raw):
    (raw / 'label/label0006.nii.gz').unlink()
    return raw


def _shape_mismatch(raw):
    label = nib.load(raw / 'label/label0006.nii.gz')
    nib.save(
        nib.Nifti1Image(np.asarray(label.dataobj)[:, :, :-1], label.affine), label.get_filename()
    )
    return raw


def _unknown_label_id(raw):
    label = nib.load(raw / 'label/label0001.nii.gz')
    data = np.asarray(label.dataobj).copy()
    data[0, 0, 0] = 14
    nib.save(nib.Nifti1Image(data, label.affine), label.get_filename())
    return raw


BAD_INPUTS = [
    (_no_root, ["raw Synapse folder '{raw}/nowhere' not found", 'synapse.org']),
    (_no_label_dir, ["no 'label/' folder in {raw}"]),
    (_no_val_list, ['no val.txt in {raw}']),
    (_missing_case, ['case 0006:', 'label0006.nii.gz not found']),
    (_shape_mismatch, ['case 0006: image shape (64, 64, 6) != label shape (64, 64, 5)']),
    (_unknown_label_id, ['case 0001:', 'label id 14', 'BTCV ids 0..13']),
]


@pytest.mark.parametrize('make, needles', BAD_INPUTS)
def test_bad_raw_folders_raise_one_line(phantom_copy, tmp_path, make, needles):
    raw = make(phantom_copy)
    with pytest.raises(SynapseConvertError) as info:
        convert_synapse(raw, tmp_path / 'out', progress=False)
    message = str(info.value)
    assert '\n' not in message
    for needle in needles:
        assert needle.format(raw=phantom_copy) in message


# --- the converter writes mmseg's files itself, byte for byte --------------------------------


def test_k1_output_is_byte_identical_to_mmsegs_unpatched_converter(phantom_raw, tmp_path):
    run_mmseg_converter(
        'synapse', '--dataset-path', phantom_raw, '--save-path', tmp_path / 'mmseg', cwd=tmp_path
    )
    convert_synapse(phantom_raw, tmp_path / 'ours', progress=False)
    ours, reference = file_hashes(tmp_path / 'ours'), file_hashes(tmp_path / 'mmseg')
    assert ours.pop(RECORD_NAME)
    assert len(reference) == 2 * (PHANTOM_TRAIN + PHANTOM_VAL) * PHANTOM_SLICES
    assert ours == reference


def test_the_record_says_what_was_converted(phantom_raw, phantom_converted):
    record = json.loads((phantom_converted / RECORD_NAME).read_text())
    assert record['converter'] == 'synapse'
    intensity_range = record['ct_slices'].pop('intensity_range')
    assert record['ct_slices'] == dict(
        SliceSpec().to_dict(), image_suffix='.jpg', orientation='PRS'
    )
    # the training volumes' own HU percentiles (what predict.py holds a new scan to)
    train = [
        scan_percentiles(np.asarray(nib.load(p).dataobj, dtype=np.float64))
        for p in sorted((phantom_raw / 'img').glob('img*.nii.gz'))
        if p.name[3:7] in CASES['train']
    ]
    assert len(train) == 2 and intensity_range == [channel_range('CT', train)]
    assert record['splits'] == CASES
    on_disk = sorted(str(p.relative_to(phantom_converted)) for p in phantom_converted.rglob('*.*'))
    assert record['files'] == [f for f in on_disk if f != RECORD_NAME]


def _expected_planes(raw, case: str) -> np.ndarray:
    """The 8-bit ``(Z, X, Y)`` planes of a case, by mmseg's arithmetic restated."""
    hu = nib.load(raw / f'img/img{case}.nii.gz').get_fdata()
    scaled = np.flip(np.transpose((np.clip(hu, -125, 275) + 125) / 400 * 255, [2, 0, 1]), 2)
    return np.stack([np.asarray(Image.fromarray(plane).convert('L')) for plane in scaled])


@pytest.mark.parametrize('context, gap', [(3, 1), (5, 1), (3, 2)])
def test_context_k_stacks_the_neighbouring_slices_losslessly(
    phantom_raw, phantom_converted, tmp_path, context, gap
):
    out = tmp_path / f'k{context}'
    convert_synapse(phantom_raw, out, progress=False, spec=SliceSpec(context, gap))
    planes = _expected_planes(phantom_raw, '0005')
    half = (context - 1) // 2
    for z in (0, 2, PHANTOM_SLICES - 1):
        stack = tifffile.imread(out / f'img_dir/train/case0005_slice{z:03d}.tiff')
        assert stack.shape == (*PHANTOM_SIZE, context) and stack.dtype == np.uint8
        neighbours = [min(max(z + k * gap, 0), PHANTOM_SLICES - 1) for k in range(-half, half + 1)]
        np.testing.assert_array_equal(stack, np.moveaxis(planes[neighbours], 0, -1))
    assert not list(out.rglob('*.jpg'))
    labels = {k: v for k, v in file_hashes(out).items() if k.startswith('ann_dir')}
    assert labels == {k: v for k, v in file_hashes(phantom_converted).items() if 'ann_dir' in k}
    record = json.loads((out / RECORD_NAME).read_text())['ct_slices']
    assert (record['context'], record['slice_gap'], record['image_suffix']) == (
        context,
        gap,
        '.tiff',
    )


# --- a converted set is one whole run; a folder the converter did not write is refused -------


def test_a_case_moved_to_val_leaves_no_slices_in_train(phantom_copy, tmp_path):
    out = tmp_path / 'out'
    convert_synapse(phantom_copy, out, progress=False)
    (phantom_copy / 'train.txt').write_text('img0005.nii.gz\n')
    (phantom_copy / 'val.txt').write_text('img0001.nii.gz\nimg0006.nii.gz\n')
    counts = convert_synapse(phantom_copy, out, progress=False)
    assert counts == {'train': PHANTOM_SLICES, 'val': 2 * PHANTOM_SLICES, 'non_finite': {}}
    assert not list((out / 'img_dir/train').glob('case0006_*'))
    assert not list((out / 'ann_dir/train').glob('case0006_*'))
    on_disk = sorted(str(p.relative_to(out)) for p in out.rglob('*.*'))
    assert json.loads((out / RECORD_NAME).read_text())['files'] == [
        f for f in on_disk if f != RECORD_NAME
    ]


def _overlap(raw):
    (raw / 'val.txt').write_text('img0001.nii.gz\nimg0006.nii.gz\n')
    return raw


def _listed_twice(raw):
    (raw / 'train.txt').write_text('img0005.nii.gz\nimg0006.nii.gz\nimg0005.nii.gz\n')
    return raw


def _truncated_image(raw):
    path = raw / 'img/img0006.nii.gz'
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return raw


def _damaged_label(raw):
    path = raw / 'label/label0006.nii.gz'
    damaged = bytearray(path.read_bytes())
    middle = len(damaged) * 3 // 4
    damaged[middle : middle + 32] = bytes(32)  # nibabel would read wrong labels without a word
    path.write_bytes(bytes(damaged))
    return raw


def _label_is_a_folder(raw):
    (raw / 'label/label0006.nii.gz').unlink()
    (raw / 'label/label0006.nii.gz').mkdir()
    return raw


def _reoriented_case(raw):
    for kind in ('img', 'label'):
        path = raw / f'{kind}/{kind}0006.nii.gz'
        volume = nib.load(path)
        flipped = volume.affine @ np.diag([-1.0, 1.0, 1.0, 1.0])
        nib.save(nib.Nifti1Image(np.asarray(volume.dataobj), flipped), path)
    return raw


REFUSED_INPUTS = [
    (_overlap, ['case 0006 is listed in both train.txt and val.txt', 'remove it from one list']),
    (_listed_twice, ['case 0005 is listed twice in {raw}/train.txt']),
    (_truncated_image, ['case 0006: {raw}/img/img0006.nii.gz is truncated or damaged']),
    (_damaged_label, ['case 0006: {raw}/label/label0006.nii.gz is truncated or damaged', 'CRC']),
    (_label_is_a_folder, ['case 0006: {raw}/label/label0006.nii.gz is a folder']),
    (_reoriented_case, ['cases 0005 and 0006 are in different orientations (PRS and ARS']),
]


@pytest.mark.parametrize('make, needles', REFUSED_INPUTS, ids=lambda v: getattr(v, '__name__', ''))
def test_refused_raw_sets_leave_an_earlier_conversion_as_it_was(
    phantom_raw, phantom_copy, tmp_path, make, needles
):
    out = tmp_path / 'out'
    convert_synapse(phantom_raw, out, progress=False)
    before = file_hashes(out)
    with pytest.raises(SynapseConvertError) as info:
        convert_synapse(make(phantom_copy), out, progress=False)
    message = str(info.value)
    assert '\n' not in message
    for needle in needles:
        assert needle.format(raw=phantom_copy) in message
    assert file_hashes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ['out', 'raw']  # no staging left


def test_a_folder_the_converter_did_not_write_is_refused(phantom_raw, tmp_path):
    out = tmp_path / 'mine'
    out.mkdir()
    (out / 'notes.txt').write_text('my own file')
    with pytest.raises(DatasetLayoutError, match='holds files but no conversion.json'):
        convert_synapse(phantom_raw, out, progress=False)
    assert [p.name for p in out.iterdir()] == ['notes.txt']
