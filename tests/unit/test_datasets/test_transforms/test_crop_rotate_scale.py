"""RandomCropRotateScale: nnU-Net's 2D spatial augmentation, image and labels moved together."""

import numpy as np
import pytest

import attn_unet  # noqa: F401  (stands in for mmcv._ext, so mmseg imports with mmcv-lite)

# isort: split
from mmseg.registry import TRANSFORMS

from attn_unet.datasets.transforms import RandomCropRotateScale

from .augmentation_samples import binomial_tolerance, organ_sample, run_seeded


def _moved_label_agrees_with_moved_image(out: dict) -> float:
    """Fraction of covered pixels where round(image) is the label (image = label + small)."""
    covered = out['gt_seg_map'] != 255
    return float((np.rint(out['img'])[covered] == out['gt_seg_map'][covered]).mean())


def test_registered_with_nnunet_defaults():
    transform = TRANSFORMS.build(dict(type='RandomCropRotateScale', crop_size=(64, 64)))
    assert isinstance(transform, RandomCropRotateScale)
    assert (transform.rotate_prob, transform.scale_prob) == (0.2, 0.2)
    assert transform.degree == (-180.0, 180.0) and transform.scale == (0.7, 1.4)
    assert (transform.pad_val, transform.seg_pad_val) == (0, 255)


@pytest.mark.parametrize(
    'crop, planes, expected',
    [((48, 64), 1, (48, 64)), ((48, 64), 6, (48, 64, 6)), ((128, 64), 3, (80, 64, 3))],
)
@pytest.mark.parametrize('spatial', [0.0, 1.0])
def test_output_shapes(crop, planes, expected, spatial):
    transform = RandomCropRotateScale(crop, rotate_prob=spatial, scale_prob=spatial)
    out = run_seeded(transform, organ_sample(80, 96, planes), seed=1)
    assert out['img'].shape == expected and out['img'].dtype == np.float32
    assert out['gt_seg_map'].shape == expected[:2] and out['gt_seg_map'].dtype == np.uint8
    assert out['img_shape'] == expected[:2]


def test_without_rotation_or_scaling_it_is_an_exact_crop():
    sample = organ_sample(80, 96, planes=3)
    out = run_seeded(RandomCropRotateScale((40, 50), rotate_prob=0, scale_prob=0), sample, 3)
    image, label = sample['img'], sample['gt_seg_map']
    found = [
        (top, left)
        for top in range(80 - 40 + 1)
        for left in range(96 - 50 + 1)
        if np.array_equal(image[top : top + 40, left : left + 50], out['img'])
    ]
    assert len(found) == 1
    top, left = found[0]
    np.testing.assert_array_equal(out['gt_seg_map'], label[top : top + 40, left : left + 50])


@pytest.mark.parametrize(
    'degree, scale', [((30, 60), (1.0, 1.0)), (0, (0.7, 0.8)), (0, (1.3, 1.4)), (180, (0.7, 1.4))]
)
def test_image_and_labels_move_together(degree, scale):
    sample = organ_sample(80, 96, planes=1)
    transform = RandomCropRotateScale((64, 64), rotate_prob=1, degree=degree, scale_prob=1,
                                      scale=scale)  # fmt: skip
    for seed in range(5):
        out = run_seeded(transform, sample, seed)
        assert _moved_label_agrees_with_moved_image(out) > 0.97
        # the window really moved: it is no crop of the unrotated slice
        assert not any(
            np.array_equal(sample['gt_seg_map'][t : t + 64, l : l + 64], out['gt_seg_map'])
            for t in range(17)
            for l in range(33)  # noqa: E741
        )


def test_labels_are_resampled_nearest_no_blended_ids():
    sample = organ_sample(80, 96)
    sample['gt_seg_map'][sample['gt_seg_map'] == 2] = 7  # 0 | 1 | 7: bilinear would make 3..6
    transform = RandomCropRotateScale((64, 64), rotate_prob=1, scale_prob=1)
    seen = set()
    for seed in range(20):
        seen |= set(np.unique(run_seeded(transform, sample, seed)['gt_seg_map']).tolist())
    assert seen <= {0, 1, 7, 255} and {0, 1, 7} <= seen


def test_outside_the_slice_is_padding_and_ignored():
    sample = organ_sample(64, 64)
    sample['img'][:] = 5.0
    out = run_seeded(RandomCropRotateScale((64, 64), rotate_prob=1, degree=(45, 45),
                                           scale_prob=0), sample, 0)  # fmt: skip
    corners = (out['gt_seg_map'][0, 0], out['gt_seg_map'][-1, -1])
    assert corners == (255, 255) and out['img'][0, 0] == 0.0
    # a pixel labelled inside samples at least half of the slice (bilinear at its edge)
    assert np.all(out['img'][out['gt_seg_map'] != 255] >= 2.4)
    assert out['img'][32, 32] == pytest.approx(5.0)


def test_a_larger_scale_shows_smaller_objects():
    sample = organ_sample(80, 96)
    area = (sample['gt_seg_map'] == 1).sum()
    for factor, expected in ((1.4, 1 / 1.4**2), (0.8, 1 / 0.8**2)):
        transform = RandomCropRotateScale((80, 96), rotate_prob=0, scale_prob=1,
                                          scale=(factor, factor))  # fmt: skip
        out = run_seeded(transform, sample, 0)
        assert (out['gt_seg_map'] == 1).sum() / area == pytest.approx(expected, rel=0.15)


@pytest.mark.parametrize('rotate_prob, scale_prob', [(0.2, 0.0), (0.0, 0.2), (0.2, 0.2)])
def test_probabilities_are_respected(rotate_prob, scale_prob):
    sample = organ_sample(40, 40)
    transform = RandomCropRotateScale((40, 40), rotate_prob=rotate_prob, scale_prob=scale_prob)
    draws = 1500
    np.random.seed(0)
    moved = sum(
        not np.array_equal(transform(dict(sample, img=sample['img'].copy()))['img'], sample['img'])
        for _ in range(draws)
    )
    expected = 1 - (1 - rotate_prob) * (1 - scale_prob)
    assert abs(moved / draws - expected) < binomial_tolerance(expected, draws)


def test_deterministic_under_a_seed():
    sample = organ_sample(80, 96, planes=3)
    transform = RandomCropRotateScale((64, 64), rotate_prob=1, scale_prob=1)
    first, again = run_seeded(transform, sample, 7), run_seeded(transform, sample, 7)
    other = run_seeded(transform, sample, 8)
    np.testing.assert_array_equal(first['img'], again['img'])
    np.testing.assert_array_equal(first['gt_seg_map'], again['gt_seg_map'])
    assert not np.array_equal(first['img'], other['img'])


def test_an_8_bit_image_stays_8_bit():
    sample = organ_sample(64, 64)
    sample['img'] = (sample['img'] * 100).astype(np.uint8)
    out = run_seeded(RandomCropRotateScale((48, 48), rotate_prob=1), sample, 0)
    assert out['img'].dtype == np.uint8


@pytest.mark.parametrize(
    'kwargs, match',
    [
        (dict(crop_size=(0, 64)), 'crop_size'),
        (dict(crop_size=(64, 64), rotate_prob=1.5), 'rotate_prob'),
        (dict(crop_size=(64, 64), scale=(1.4, 0.7)), 'low <= high'),
        (dict(crop_size=(64, 64), scale=(0, 1)), 'scale must be positive'),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RandomCropRotateScale(**kwargs)
