"""One file's facts as the loader sees them: EXIF rotation, a truncated JPEG, K-channel TIFF."""

import shutil
from pathlib import Path

import cv2
import pytest

from attn_unet.datasets import check_dataset_files
from attn_unet.datasets.integrity import file_facts

from .conftest import cache_options, generic_set, truncate


def test_truncated_jpeg(tmp_path):
    cfg = generic_set(tmp_path / 'set')
    truncate(tmp_path / 'set/img_dir/a.jpg')
    report = check_dataset_files(cfg, 'train', cache_options(tmp_path))
    assert [Path(p.path).name for p in report.problems] == ['a.jpg']
    assert 'does not decode' in report.problems[0].what


@pytest.mark.parametrize('ext', ['jpg', 'png'])
def test_rotated_image_size_follows_exif(tmp_path, ext):
    from PIL import Image

    path = tmp_path / f'rotated.{ext}'
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new('RGB', (24, 16)).save(path, exif=exif)
    assert file_facts.read_image_facts(str(path), 'cv2', 'color')['size'] == [24, 16]
    assert file_facts.read_image_facts(str(path), 'cv2', 'unchanged')['size'] == [16, 24]
    assert cv2.imread(str(path), cv2.IMREAD_COLOR).shape[:2] == (24, 16)


@pytest.mark.parametrize('context', [3, 5])
def test_k_channel_tiff_slices_are_sized_from_the_header_and_decoded(
    phantom_converted_k, tmp_path, context
):
    from mmengine.config import Config

    from attn_unet.datasets import check_data
    from attn_unet.errors import DataIntegrityError
    from tests.helpers.data_fixtures import PHANTOM_SIZE
    from tests.helpers.tools import REPO

    root = shutil.copytree(phantom_converted_k(context), tmp_path / 'synapse')
    slice_path = root / 'img_dir/val/case0001_slice002.tiff'
    assert file_facts.read_image_facts(str(slice_path), 'tifffile') == {'size': list(PHANTOM_SIZE)}
    name = f'attn-unet-s4-d8_fused-dsv_1xb8-1k_synapse-2.5d-k{context}-phantom-160x160.py'
    cfg = Config.fromfile(REPO / 'configs/attn_unet' / name)
    for split in ('train', 'val'):
        cfg[f'{split}_dataloader'].dataset.data_root = str(root)
    cfg.data_check = dict(cache_dir=str(tmp_path / 'cache'))
    reports = check_data(cfg, 'train')
    assert [r.images for r in reports] == [12, 6] and not any(r.problems for r in reports)
    truncate(slice_path)
    with pytest.raises(DataIntegrityError, match='case0001_slice002.tiff does not decode'):
        check_data(cfg, 'train')
