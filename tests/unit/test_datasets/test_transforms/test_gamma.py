"""RandomGamma: nnU-Net's gamma (p 0.3, and p 0.1 inverted; gamma in [0.7, 1.5]; stats kept)."""

import numpy as np
import pytest

import attn_unet  # noqa: F401

# isort: split
from mmseg.registry import TRANSFORMS

from attn_unet.datasets.transforms import RandomGamma

from .augmentation_samples import binomial_tolerance, changed_fraction, organ_sample, run_seeded


def _ramp() -> dict:
    ramp = np.tile(np.linspace(-1.0, 3.0, 64, dtype=np.float32), (8, 1))
    return dict(img=ramp, gt_seg_map=np.zeros((8, 64), np.uint8), seg_fields=['gt_seg_map'])


def test_registered_with_nnunet_defaults():
    transform = TRANSFORMS.build(dict(type='RandomGamma'))
    assert isinstance(transform, RandomGamma)
    assert (transform.prob, transform.gamma, transform.invert_prob) == (0.3, (0.7, 1.5), 0.0)
    assert transform.retain_stats


@pytest.mark.parametrize('invert_prob', [0.0, 1.0])
def test_a_monotone_curve_that_keeps_mean_and_std(invert_prob):
    sample = organ_sample(planes=2)
    for seed in range(10):
        out = run_seeded(RandomGamma(prob=1, invert_prob=invert_prob), sample, seed)
        for plane in range(2):
            before, after = sample['img'][..., plane], out['img'][..., plane]
            assert after.mean() == pytest.approx(before.mean(), abs=1e-4)
            assert after.std() == pytest.approx(before.std(), rel=1e-4)
            order = np.argsort(before, axis=None)
            assert np.all(np.diff(after.reshape(-1)[order]) >= -1e-5)  # ranks kept
        np.testing.assert_array_equal(out['gt_seg_map'], sample['gt_seg_map'])


def test_inversion_bends_the_other_end():
    """gamma > 1 sags a ramp's middle below the line; inverted, it bulges above it."""
    sample = _ramp()
    plain = run_seeded(RandomGamma(prob=1, gamma=(2, 2), retain_stats=False), sample, 0)['img']
    inverted = run_seeded(RandomGamma(prob=1, gamma=(2, 2), invert_prob=1, retain_stats=False),
                          sample, 0)['img']  # fmt: skip
    middle = sample['img'][0, 32]
    assert plain[0, 32] < middle < inverted[0, 32]
    for curve in (plain, inverted):  # the ends stay where they were
        assert curve[0, 0] == pytest.approx(-1.0) and curve[0, -1] == pytest.approx(3.0)


@pytest.mark.parametrize('prob', [0.1, 0.3])
def test_probability_is_respected(prob):
    draws = 800
    fraction = changed_fraction(RandomGamma(prob=prob), organ_sample(8, 8), draws)
    assert abs(fraction - prob) < binomial_tolerance(prob, draws)


def test_deterministic_under_a_seed():
    sample, transform = organ_sample(), RandomGamma(prob=1, invert_prob=0.5)
    np.testing.assert_array_equal(
        run_seeded(transform, sample, 4)['img'], run_seeded(transform, sample, 4)['img']
    )


@pytest.mark.parametrize('kwargs', [dict(gamma=(0, 1.5)), dict(invert_prob=1.5)])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        RandomGamma(**kwargs)
