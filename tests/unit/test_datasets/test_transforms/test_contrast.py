"""RandomContrast: nnU-Net's contrast (p 0.15, factor in [0.75, 1.25], range preserved)."""

import numpy as np

import attn_unet  # noqa: F401

# isort: split
from mmseg.registry import TRANSFORMS

from attn_unet.datasets.transforms import RandomContrast

from .augmentation_samples import binomial_tolerance, changed_fraction, organ_sample, run_seeded


def test_registered_with_nnunet_defaults():
    transform = TRANSFORMS.build(dict(type='RandomContrast'))
    assert isinstance(transform, RandomContrast)
    assert transform.prob == 0.15 and transform.factor == (0.75, 1.25)
    assert transform.preserve_range


def test_deviations_from_the_channel_mean_scale_within_the_former_range():
    sample = organ_sample(planes=6)
    for seed in range(20):
        out = run_seeded(RandomContrast(prob=1, context=3), sample, seed)
        for group in (slice(0, 3), slice(3, 6)):
            before, after = sample['img'][..., group], out['img'][..., group]
            assert after.min() >= before.min() - 1e-6 and after.max() <= before.max() + 1e-6
            inside = (after > before.min() + 1e-4) & (after < before.max() - 1e-4)
            mean = before.mean(dtype=np.float64)
            factor = (after[inside] - mean) / (before[inside] - mean)
            assert np.allclose(factor, np.median(factor), rtol=1e-3, atol=1e-3)  # one factor
            assert 0.75 - 1e-3 <= np.median(factor) <= 1.25 + 1e-3
        np.testing.assert_array_equal(out['gt_seg_map'], sample['gt_seg_map'])


def test_probability_is_respected():
    draws = 1000
    fraction = changed_fraction(RandomContrast(), organ_sample(8, 8), draws)
    assert abs(fraction - 0.15) < binomial_tolerance(0.15, draws)


def test_deterministic_under_a_seed():
    sample, transform = organ_sample(), RandomContrast(prob=1)
    np.testing.assert_array_equal(
        run_seeded(transform, sample, 2)['img'], run_seeded(transform, sample, 2)['img']
    )
