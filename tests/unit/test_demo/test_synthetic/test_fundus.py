"""Synthetic fundus zips: DRIVE's release layout, readable GIFs, vessel widths 1 to ~8 px."""

import zipfile

import cv2
import numpy as np
import pytest
from PIL import Image

from attn_unet.evaluation.metrics.binary_metric import local_vessel_width
from demo.synthetic.fundus import generate_fundus, render_fundus


@pytest.fixture(scope='module')
def zips(tmp_path_factory):
    return generate_fundus(tmp_path_factory.mktemp('fundus'), 2, 1, 96, 96, seed=5)


def test_zips_hold_drive_release_names(zips):
    expected = {
        'training': {
            'training/images/21_training.tif',
            'training/images/22_training.tif',
            'training/1st_manual/21_manual1.gif',
            'training/1st_manual/22_manual1.gif',
            'training/mask/21_training_mask.gif',
            'training/mask/22_training_mask.gif',
        },
        'test': {
            'test/images/01_test.tif',
            'test/1st_manual/01_manual1.gif',
            'test/mask/01_test_mask.gif',
        },
    }
    for split, path in zips.items():
        assert path.name == f'{split}.zip'
        assert set(zipfile.ZipFile(path).namelist()) == expected[split]


def test_gifs_read_through_cv2_video_capture_as_the_converter_does(zips, tmp_path):
    zipfile.ZipFile(zips['training']).extractall(tmp_path)
    for folder in ('1st_manual', 'mask'):
        for gif in (tmp_path / 'training' / folder).iterdir():
            ok, frame = cv2.VideoCapture(str(gif)).read()
            assert ok and frame.shape == (96, 96, 3)
            pillow = np.asarray(Image.open(gif).convert('L'))
            np.testing.assert_array_equal(frame[:, :, 0], pillow)
            assert set(np.unique(frame[:, :, 0])) == {0, 255}


def test_same_seed_same_bytes(tmp_path):
    first = generate_fundus(tmp_path / 'a', 1, 1, 64, 64, seed=3)
    second = generate_fundus(tmp_path / 'b', 1, 1, 64, 64, seed=3)
    other = generate_fundus(tmp_path / 'c', 1, 1, 64, 64, seed=4)
    read = lambda path: zipfile.ZipFile(path).read('training/images/21_training.tif')  # noqa: E731
    assert read(first['training']) == read(second['training'])
    assert read(first['training']) != read(other['training'])


def test_vessels_branch_from_1_to_about_8_px_inside_the_fov():
    sample = render_fundus(np.random.default_rng(0), 584, 565)
    vessels, fov = sample.vessels > 0, sample.fov > 0
    assert not (vessels & ~fov).any()
    assert (sample.image[~fov] == 0).all()
    widths = local_vessel_width(vessels)[vessels]
    assert widths.min() == 1
    assert 6 <= np.percentile(widths, 90) <= 9  # wider only where vessels cross or meet
    assert 0.03 < vessels.mean() < 0.2
    _, components = cv2.connectedComponents(vessels.astype(np.uint8))
    assert components.max() < 40  # a few trees, not scattered strokes
    green = sample.image[..., 1].astype(float)
    assert green[vessels].mean() < green[fov & ~vessels].mean() - 10


@pytest.mark.parametrize(
    'kwargs, message',
    [(dict(num_train=0), 'at least 1 image'), (dict(height=16), 'at least 32x32')],
)
def test_bad_arguments(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate_fundus(tmp_path, **kwargs)
