"""DRIVE zips -> mmseg's layout, byte for byte as mmseg's converter; bad input in one line."""

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from attn_unet.datasets import check_dataset_cfg, check_drive_layout
from attn_unet.datasets.conversion_record import RECORD_NAME
from attn_unet.datasets.drive_convert import convert_drive
from attn_unet.errors import DatasetLayoutError
from tests.helpers.fundus import NUM_TEST, NUM_TRAIN, make_fundus_zips
from tests.helpers.mmseg_converters import run_mmseg_converter
from tests.helpers.tools import file_hashes


@pytest.fixture(scope='module')
def zips(tmp_path_factory):
    return make_fundus_zips(tmp_path_factory.mktemp('zips'))


def test_converted_names_and_labels(zips, tmp_path):
    out = tmp_path / 'DRIVE'
    written = convert_drive(zips['training'], zips['test'], out)
    assert written == 2 * (NUM_TRAIN + NUM_TEST)
    assert sorted(p.name for p in (out / 'images/training').iterdir()) == ['21.png', '22.png']
    assert [p.name for p in (out / 'annotations/validation').iterdir()] == ['01_manual1.png']
    with zipfile.ZipFile(zips['training']) as archive:
        gif = Image.open(io.BytesIO(archive.read('training/1st_manual/21_manual1.gif')))
    gif = np.asarray(gif.convert('L'))
    label = np.asarray(Image.open(out / 'annotations/training/21_manual1.png'))
    np.testing.assert_array_equal(label, gif // 128)  # the converter's own arithmetic
    assert set(np.unique(label)) == {0, 1}
    assert np.asarray(Image.open(out / 'images/training/21.png')).shape == (64, 64, 3)


def _rezip(
    source: Path, target: Path, drop: str = '', replace: dict | None = None, add: dict | None = None
) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, 'w') as new:
        for name in old.namelist():
            if drop and name.startswith(drop):
                continue
            new.writestr(name, (replace or {}).get(name, old.read(name)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def test_output_is_byte_identical_to_mmsegs_unpatched_converter(zips, tmp_path):
    with zipfile.ZipFile(zips['test']) as archive:  # a second observer, as DRIVE's test set has
        second = archive.read('test/1st_manual/01_manual1.gif')
    test_zip = _rezip(
        zips['test'], tmp_path / 'test.zip', add={'test/2nd_manual/01_manual2.gif': second}
    )
    run_mmseg_converter('drive', zips['training'], test_zip, '-o', tmp_path / 'mmseg', cwd=tmp_path)
    convert_drive(zips['training'], test_zip, tmp_path / 'ours')
    ours, reference = file_hashes(tmp_path / 'ours'), file_hashes(tmp_path / 'mmseg')
    assert ours.pop(RECORD_NAME)
    assert 'annotations/validation/01_manual2.png' in reference
    assert len(reference) == 2 * (NUM_TRAIN + NUM_TEST) + 1
    assert ours == reference
    record = json.loads((tmp_path / 'ours' / RECORD_NAME).read_text())
    assert record['converter'] == 'drive'
    assert record['splits'] == {'training': ['21.png', '22.png'], 'validation': ['01.png']}
    assert record['files'] == sorted(reference)


def test_a_test_zip_without_its_manual_annotations_is_refused(zips, tmp_path):
    unlabelled = _rezip(zips['test'], tmp_path / 'test.zip', drop='test/1st_manual/')
    with pytest.raises(DatasetLayoutError) as info:
        convert_drive(zips['training'], unlabelled, tmp_path / 'out')
    message = str(info.value)
    assert "test.zip holds no 'test/1st_manual/' files (the validation set is scored" in message
    assert "pass DRIVE's test.zip as released, with test/images/, test/1st_manual/" in message
    assert '\n' not in message and not (tmp_path / 'out').exists()


def test_a_photograph_without_its_annotation_is_refused(zips, tmp_path):
    with zipfile.ZipFile(zips['training']) as archive:
        extra = archive.read('training/images/21_training.tif')
    training = _rezip(
        zips['training'], tmp_path / 'training.zip', add={'training/images/23_training.tif': extra}
    )
    with pytest.raises(DatasetLayoutError) as info:
        convert_drive(training, zips['test'], tmp_path / 'out')
    assert str(info.value).startswith(
        'training.zip: training/images/23_training.tif has no annotation '
        'training/1st_manual/23_manual1.gif'
    )


def test_reconverting_replaces_the_earlier_set_whole(zips, tmp_path):
    out = tmp_path / 'DRIVE'
    convert_drive(zips['training'], zips['test'], out)
    fewer = _rezip(zips['training'], tmp_path / 'training.zip', drop='training/images/22_')
    fewer = _rezip(fewer, tmp_path / 'training1.zip', drop='training/1st_manual/22_')
    convert_drive(fewer, zips['test'], out)
    assert sorted(p.name for p in (out / 'images/training').iterdir()) == ['21.png']
    assert sorted(p.name for p in (out / 'annotations/training').iterdir()) == ['21_manual1.png']


def test_a_folder_the_converter_did_not_write_is_refused(zips, tmp_path):
    out = tmp_path / 'DRIVE'
    (out / 'images/training').mkdir(parents=True)
    (out / 'images/training/99.png').write_bytes(b'an earlier copy')
    before = file_hashes(out)
    with pytest.raises(DatasetLayoutError, match=f'-o {out} holds files but no conversion.json'):
        convert_drive(zips['training'], zips['test'], out)
    assert file_hashes(out) == before


@pytest.mark.parametrize(
    'break_it, message',
    [
        (lambda z, d: d / 'missing.zip', "missing.zip' not found"),
        (lambda z, d: (d / 'plain.zip').write_text('not a zip') and d / 'plain.zip', 'not a zip'),
        (
            lambda z, d: _rezip(z, d / 'training.zip', drop='training/1st_manual/'),
            "no 'training/1st_manual/' files",
        ),
        (
            lambda z, d: _rezip(
                z, d / 'training.zip', replace={'training/1st_manual/21_manual1.gif': b'GIF89a'}
            ),
            'cannot read the GIF training/1st_manual/21_manual1.gif',
        ),
        (
            lambda z, d: _rezip(
                z, d / 'training.zip', replace={'training/images/22_training.tif': b'II*\x00'}
            ),
            'cannot decode training/images/22_training.tif',
        ),
    ],
    ids=['missing', 'not-zip', 'no-manual', 'bad-gif', 'bad-tif'],
)
def test_bad_training_zip_is_one_line(zips, tmp_path, break_it, message):
    bad = break_it(zips['training'], tmp_path)
    with pytest.raises(DatasetLayoutError, match=message) as info:
        convert_drive(bad, zips['test'], tmp_path / 'out')
    assert '\n' not in str(info.value)


@pytest.fixture(scope='module')
def converted(zips, tmp_path_factory):
    out = tmp_path_factory.mktemp('converted') / 'DRIVE'
    convert_drive(zips['training'], zips['test'], out)
    return out


def test_converted_layout_passes_the_check(converted):
    assert check_drive_layout(converted) == NUM_TRAIN
    assert check_drive_layout(converted, 'images/validation', 'annotations/validation') == NUM_TEST


@pytest.mark.parametrize(
    'root, prefix, message',
    [
        ('nowhere', {}, "data root '{root}/nowhere' not found"),
        ('DRIVE', dict(img_path='images/test'), "no 'images/test' under {root}/DRIVE"),
        ('DRIVE', dict(seg_map_path='annotations/validation'), '2 of 2 images in images/training'),
    ],
)
def test_preflight_refuses_a_broken_drive_config(converted, root, prefix, message):
    data_prefix = {'img_path': 'images/training', 'seg_map_path': 'annotations/training', **prefix}
    dataset = dict(
        type='RepeatDataset',
        dataset=dict(
            type='DRIVEDataset',
            data_root=str(converted.parent / root),
            data_prefix=data_prefix,
        ),
    )
    with pytest.raises(DatasetLayoutError, match=message.format(root=converted.parent)):
        check_dataset_cfg(dataset)
