"""RandomAxisMirror: mirroring only along the slice axes the plan allows, image and labels."""

import numpy as np
import pytest

import attn_unet  # noqa: F401

# isort: split
from mmseg.registry import TRANSFORMS

from attn_unet.datasets.transforms import RandomAxisMirror

from .augmentation_samples import binomial_tolerance, organ_sample, run_seeded

FLIPS = {(): lambda a: a, (0,): np.flipud, (1,): np.fliplr, (0, 1): lambda a: a[::-1, ::-1]}


def _flipped_axes(sample: dict, out: dict) -> tuple:
    image = out['img']
    found = [axes for axes, flip in FLIPS.items() if np.array_equal(flip(sample['img']), image)]
    assert len(found) == 1
    np.testing.assert_array_equal(FLIPS[found[0]](sample['gt_seg_map']), out['gt_seg_map'])
    return found[0]


def test_registered_with_nnunet_defaults():
    transform = TRANSFORMS.build(dict(type='RandomAxisMirror'))
    assert isinstance(transform, RandomAxisMirror)
    assert transform.axes == (0, 1) and transform.prob == 0.5


@pytest.mark.parametrize('axes', [(0, 1), (0,), (1,), ()])
def test_only_allowed_axes_are_mirrored_image_and_labels_together(axes):
    sample = organ_sample(planes=3)
    seen = set()
    for seed in range(40):
        out = run_seeded(RandomAxisMirror(axes=axes), sample, seed)
        assert out['img'].shape == sample['img'].shape
        seen.add(_flipped_axes(sample, out))
    allowed = {a for a in FLIPS if set(a) <= set(axes)}
    assert seen == allowed  # every allowed combination happens, no other


def test_each_axis_flips_with_its_probability():
    sample = organ_sample(12, 14)
    draws, counts = 1000, {0: 0, 1: 0}
    np.random.seed(0)
    for _ in range(draws):
        for axis in _flipped_axes(sample, RandomAxisMirror(prob=0.3)(dict(sample))):
            counts[axis] += 1
    for axis in (0, 1):
        assert abs(counts[axis] / draws - 0.3) < binomial_tolerance(0.3, draws)


def test_deterministic_under_a_seed():
    sample = organ_sample()
    first = [_flipped_axes(sample, run_seeded(RandomAxisMirror(), sample, s)) for s in range(10)]
    again = [_flipped_axes(sample, run_seeded(RandomAxisMirror(), sample, s)) for s in range(10)]
    assert first == again and len(set(first)) > 1


@pytest.mark.parametrize('axes', [(2,), (0, 0), (-1,)])
def test_bad_axes_are_refused(axes):
    with pytest.raises(ValueError, match='axes must be'):
        RandomAxisMirror(axes=axes)
