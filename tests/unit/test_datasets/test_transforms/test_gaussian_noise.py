"""RandomGaussianNoise: nnU-Net's additive noise (p 0.1, std in [0, 0.1])."""

import numpy as np
import pytest

import attn_unet  # noqa: F401

# isort: split
from mmseg.registry import TRANSFORMS

from attn_unet.datasets.transforms import RandomGaussianNoise

from .augmentation_samples import binomial_tolerance, changed_fraction, organ_sample, run_seeded


def test_registered_with_nnunet_defaults():
    transform = TRANSFORMS.build(dict(type='RandomGaussianNoise'))
    assert isinstance(transform, RandomGaussianNoise)
    assert transform.prob == 0.1 and transform.std == (0.0, 0.1)


@pytest.mark.parametrize('planes', [1, 6])
def test_noise_of_the_drawn_std_on_every_plane_labels_untouched(planes):
    sample = organ_sample(planes=planes)
    out = run_seeded(RandomGaussianNoise(prob=1, std=(0.1, 0.1)), sample, 0)
    assert out['img'].shape == sample['img'].shape and out['img'].dtype == np.float32
    residual = (out['img'] - sample['img']).reshape(80, 96, -1)
    assert np.allclose(residual.std(axis=(0, 1)), 0.1, rtol=0.05)
    assert np.allclose(residual.mean(axis=(0, 1)), 0.0, atol=0.01)
    np.testing.assert_array_equal(out['gt_seg_map'], sample['gt_seg_map'])


def test_probability_is_respected():
    draws = 1000
    fraction = changed_fraction(RandomGaussianNoise(prob=0.1), organ_sample(8, 8), draws)
    assert abs(fraction - 0.1) < binomial_tolerance(0.1, draws)


def test_deterministic_under_a_seed():
    sample, transform = organ_sample(), RandomGaussianNoise(prob=1)
    np.testing.assert_array_equal(
        run_seeded(transform, sample, 3)['img'], run_seeded(transform, sample, 3)['img']
    )
    assert not np.array_equal(run_seeded(transform, sample, 3)['img'],
                              run_seeded(transform, sample, 4)['img'])  # fmt: skip


@pytest.mark.parametrize('kwargs', [dict(prob=2), dict(std=(-0.1, 0.1)), dict(std=(0.2, 0.1))])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        RandomGaussianNoise(**kwargs)
