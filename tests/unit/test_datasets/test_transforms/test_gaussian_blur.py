"""RandomGaussianBlur: nnU-Net's blur (p 0.2; each channel p 0.5; sigma in [0.5, 1] per axis)."""

import numpy as np
import pytest

import attn_unet  # noqa: F401

# isort: split
from mmseg.registry import TRANSFORMS

from attn_unet.datasets.transforms import RandomGaussianBlur

from .augmentation_samples import binomial_tolerance, changed_fraction, organ_sample, run_seeded


def _roughness(img: np.ndarray) -> float:
    return float(np.abs(np.diff(img, axis=0)).mean() + np.abs(np.diff(img, axis=1)).mean())


def test_registered_with_nnunet_defaults():
    transform = TRANSFORMS.build(dict(type='RandomGaussianBlur'))
    assert isinstance(transform, RandomGaussianBlur)
    assert (transform.prob, transform.channel_prob, transform.sigma) == (0.2, 0.5, (0.5, 1.0))


def test_blur_smooths_keeps_the_mean_and_the_labels():
    sample = organ_sample()
    out = run_seeded(RandomGaussianBlur(prob=1, channel_prob=1), sample, 0)
    assert out['img'].shape == sample['img'].shape and out['img'].dtype == np.float32
    assert _roughness(out['img']) < 0.8 * _roughness(sample['img'])
    assert out['img'].mean() == pytest.approx(sample['img'].mean(), abs=1e-3)
    np.testing.assert_array_equal(out['gt_seg_map'], sample['gt_seg_map'])


def test_the_k_planes_of_a_channel_share_their_sigmas():
    sample = organ_sample(planes=6)
    sample['img'][..., 3:] = sample['img'][..., :3]  # channel 1's planes equal channel 0's
    sample['img'][..., 1] = sample['img'][..., 2] = sample['img'][..., 0]
    sample['img'][..., 4] = sample['img'][..., 5] = sample['img'][..., 3]
    for seed in range(5):
        out = run_seeded(RandomGaussianBlur(prob=1, channel_prob=1, context=3), sample, seed)
        np.testing.assert_array_equal(out['img'][..., 0], out['img'][..., 2])
        np.testing.assert_array_equal(out['img'][..., 3], out['img'][..., 5])
        assert not np.array_equal(out['img'][..., 0], out['img'][..., 3])  # own draws


@pytest.mark.parametrize('prob, channel_prob', [(0.2, 1.0), (1.0, 0.5)])
def test_probabilities_are_respected(prob, channel_prob):
    draws = 800
    fraction = changed_fraction(RandomGaussianBlur(prob=prob, channel_prob=channel_prob),
                                organ_sample(16, 16), draws)  # fmt: skip
    expected = prob * channel_prob
    assert abs(fraction - expected) < binomial_tolerance(expected, draws)


def test_deterministic_under_a_seed():
    sample, transform = organ_sample(planes=2), RandomGaussianBlur(prob=1, channel_prob=1)
    np.testing.assert_array_equal(
        run_seeded(transform, sample, 5)['img'], run_seeded(transform, sample, 5)['img']
    )


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match='sigma must be positive'):
        RandomGaussianBlur(sigma=(0, 1))
    with pytest.raises(ValueError, match='channel_prob'):
        RandomGaussianBlur(channel_prob=-0.1)
