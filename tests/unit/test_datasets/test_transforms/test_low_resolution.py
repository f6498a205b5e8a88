"""RandomLowResolution: nnU-Net's simulated low resolution (p 0.25; channel p 0.5; zoom 0.5-1)."""

import numpy as np
import pytest

import attn_unet  # noqa: F401

# isort: split
from mmseg.registry import TRANSFORMS

from attn_unet.datasets.transforms import RandomLowResolution

from .augmentation_samples import binomial_tolerance, changed_fraction, organ_sample, run_seeded


def test_registered_with_nnunet_defaults():
    transform = TRANSFORMS.build(dict(type='RandomLowResolution'))
    assert isinstance(transform, RandomLowResolution)
    assert (transform.prob, transform.channel_prob, transform.zoom) == (0.25, 0.5, (0.5, 1.0))


def test_half_resolution_loses_the_finest_detail():
    yy, xx = np.mgrid[:64, :64]
    checker = ((yy + xx) % 2).astype(np.float32)  # detail at the pixel scale
    sample = dict(img=checker, gt_seg_map=checker.astype(np.uint8), seg_fields=['gt_seg_map'])
    out = run_seeded(RandomLowResolution(prob=1, zoom=(0.5, 0.5), channel_prob=1), sample, 0)
    assert out['img'].shape == (64, 64) and out['img'].dtype == np.float32
    assert np.abs(np.diff(out['img'], axis=1)).mean() < 0.2  # the checkerboard is gone
    np.testing.assert_array_equal(out['gt_seg_map'], checker.astype(np.uint8))


def test_full_resolution_keeps_the_image():
    sample = organ_sample(planes=3)
    out = run_seeded(RandomLowResolution(prob=1, zoom=(1.0, 1.0), channel_prob=1), sample, 0)
    np.testing.assert_allclose(out['img'], sample['img'], atol=1e-6)


def test_the_k_planes_of_a_channel_share_the_zoom():
    sample = organ_sample(planes=3)
    sample['img'][..., 1] = sample['img'][..., 2] = sample['img'][..., 0]
    for seed in range(5):
        out = run_seeded(RandomLowResolution(prob=1, channel_prob=1, context=3), sample, seed)
        np.testing.assert_array_equal(out['img'][..., 0], out['img'][..., 2])


@pytest.mark.parametrize('prob, channel_prob', [(0.25, 1.0), (1.0, 0.5)])
def test_probabilities_are_respected(prob, channel_prob):
    draws = 800
    transform = RandomLowResolution(prob=prob, zoom=(0.5, 0.5), channel_prob=channel_prob)
    fraction = changed_fraction(transform, organ_sample(16, 16), draws)
    expected = prob * channel_prob
    assert abs(fraction - expected) < binomial_tolerance(expected, draws)


def test_deterministic_under_a_seed():
    sample, transform = organ_sample(planes=2), RandomLowResolution(prob=1, channel_prob=1)
    np.testing.assert_array_equal(
        run_seeded(transform, sample, 9)['img'], run_seeded(transform, sample, 9)['img']
    )


def test_bad_zoom_is_refused():
    with pytest.raises(ValueError, match='zoom must lie in'):
        RandomLowResolution(zoom=(0.5, 2.0))
