import nibabel as nib
import numpy as np
import pytest
from PIL import Image

from attn_unet.datasets import check_synapse_layout
from attn_unet.datasets.synapse_convert import SynapseConvertError, convert_synapse
from tests.helpers.data_fixtures import PHANTOM_SIZE, PHANTOM_SLICES

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
    assert counts == {'train': 2 * PHANTOM_SLICES, 'val': PHANTOM_SLICES}


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
