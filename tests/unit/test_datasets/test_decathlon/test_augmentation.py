"""The fitted configs' train pipeline: nnU-Net's 2D augmentation or the light one, built whole."""

import numpy as np
import pytest
from mmengine.config import Config

import attn_unet  # noqa: F401

# isort: split
from mmcv.transforms import Compose

from attn_unet.datasets.decathlon.augmentation import (
    AUGMENTATIONS,
    rotation_degrees,
    train_pipeline_lines,
)
from attn_unet.slicing.slice_plan import SlicePlan

CT = dict(name='CT', norm='ct', clip=[-96.0, 215.0], mean=77.9, std=75.4)


def _plan(context: int = 3, mirror_axes=(0,)) -> SlicePlan:
    return SlicePlan(view='axial', channels=(CT, dict(name='T2', norm='zscore')),
                     label_values=(0, 1), classes=('background', 'kidney_left'),
                     context=context, mirror_axes=mirror_axes)  # fmt: skip


def _pipeline(plan, crop, augmentation) -> list:
    source = '\n'.join(
        [f'crop_size = {crop!r}', *train_pipeline_lines(plan, crop, augmentation, [])]
    )
    return Config.fromstring(source, '.py').train_pipeline


@pytest.mark.parametrize('crop, degrees', [((128, 128), 180), ((96, 144), 180), ((64, 128), 15)])
def test_rotation_range_follows_nnunets_2d_rule(crop, degrees):
    assert rotation_degrees(crop) == degrees


def test_nnunet_pipeline_in_nnunets_order_with_the_plans_k_and_mirror_axes():
    steps = _pipeline(_plan(context=3, mirror_axes=(0,)), (64, 128), 'nnunet')
    assert [s['type'] for s in steps] == [
        'LoadImageFromFile', 'LoadAnnotations', 'RandomCropRotateScale', 'RandomGaussianNoise',
        'RandomGaussianBlur', 'RandomMultiplicativeBrightness', 'RandomContrast',
        'RandomLowResolution', 'RandomGamma', 'RandomGamma', 'RandomAxisMirror',
        'PackCompactSegInputs',
    ]  # fmt: skip
    crop = steps[2]
    assert crop['crop_size'] == (64, 128) and crop['degree'] == 15
    assert (crop['rotate_prob'], crop['scale_prob'], crop['scale']) == (0.2, 0.2, (0.7, 1.4))
    assert all(s['context'] == 3 for s in steps if 'context' in s)
    assert [(s['prob'], s.get('invert_prob', 0.0)) for s in steps[8:10]] == [(0.1, 1.0), (0.3, 0.0)]
    assert steps[10]['axes'] == (0,)


def test_light_pipeline_is_a_crop_and_a_small_rotation():
    steps = _pipeline(_plan(), (64, 64), 'light')
    assert [s['type'] for s in steps][2:] == ['RandomCrop', 'RandomRotate', 'PackCompactSegInputs']


@pytest.mark.parametrize('augmentation', AUGMENTATIONS)
def test_every_pipeline_runs_on_a_converted_slice(augmentation, tmp_path):
    import tifffile
    from mmengine.registry import init_default_scope
    from PIL import Image

    init_default_scope('mmseg')

    rng = np.random.default_rng(0)
    image = rng.standard_normal((90, 110, 6)).astype(np.float32)  # C = 2 channels x K = 3
    tifffile.imwrite(tmp_path / 's.tiff', image, photometric='minisblack', planarconfig='contig')
    Image.fromarray(rng.integers(0, 2, (90, 110)).astype(np.uint8)).save(tmp_path / 's.png')
    pipeline = Compose(_pipeline(_plan(), (64, 64), augmentation))
    for seed in range(10):
        np.random.seed(seed)
        packed = pipeline(
            dict(
                img_path=str(tmp_path / 's.tiff'),
                seg_map_path=str(tmp_path / 's.png'),
                reduce_zero_label=False,
                seg_fields=[],
            )  # fmt: skip
        )
        assert packed['inputs'].shape == (6, 64, 64)
        assert packed['data_samples'].gt_sem_seg.data.shape == (1, 64, 64)


def test_an_unknown_augmentation_is_refused():
    with pytest.raises(ValueError, match='augmentation must be one of'):
        train_pipeline_lines(_plan(), (64, 64), 'heavy', [])
