"""RandomMultiplicativeBrightness: nnU-Net's brightness (p 0.15, factor in [0.75, 1.25])."""

import numpy as np
import pytest

import attn_unet  # noqa: F401

# isort: split
from mmseg.registry import TRANSFORMS

from attn_unet.datasets.transforms import RandomMultiplicativeBrightness

from .augmentation_samples import binomial_tolerance, changed_fraction, organ_sample, run_seeded


def test_registered_with_nnunet_defaults():
    transform = TRANSFORMS.build(dict(type='RandomMultiplicativeBrightness'))
    assert isinstance(transform, RandomMultiplicativeBrightness)
    assert transform.prob == 0.15 and transform.multiplier == (0.75, 1.25)


def test_one_factor_per_channel_in_range_below_and_above_one():
    sample = organ_sample(planes=6)
    transform = RandomMultiplicativeBrightness(prob=1, context=3)
    factors = []
    for seed in range(200):
        out = run_seeded(transform, sample, seed)
        ratio = out['img'] / sample['img']
        for group in (slice(0, 3), slice(3, 6)):
            assert np.allclose(ratio[..., group], ratio[0, 0, group.start], rtol=1e-5)
            factors.append(ratio[0, 0, group.start])
        np.testing.assert_array_equal(out['gt_seg_map'], sample['gt_seg_map'])
    factors = np.array(factors)
    assert factors.min() >= 0.75 - 1e-6 and factors.max() <= 1.25 + 1e-6
    assert 0.4 < (factors < 1).mean() < 0.6


def test_probability_is_respected():
    draws = 1000
    fraction = changed_fraction(RandomMultiplicativeBrightness(), organ_sample(8, 8), draws)
    assert abs(fraction - 0.15) < binomial_tolerance(0.15, draws)


def test_deterministic_under_a_seed():
    sample, transform = organ_sample(), RandomMultiplicativeBrightness(prob=1)
    np.testing.assert_array_equal(
        run_seeded(transform, sample, 1)['img'], run_seeded(transform, sample, 1)['img']
    )


def test_planes_that_do_not_fill_the_channels_are_refused():
    with pytest.raises(ValueError, match='context 4'):
        run_seeded(RandomMultiplicativeBrightness(prob=1, context=4), organ_sample(planes=6), 0)
