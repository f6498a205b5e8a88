"""One file's facts as the loader sees them: EXIF rotation, a truncated JPEG."""

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
