"""RandomRotFlipNearest: mmseg's RandomRotFlip, but rotation creates no new label ids."""

import copy
import random

import numpy as np
import pytest

import attn_unet  # noqa: F401  (stands in for mmcv._ext, so mmseg imports with mmcv-lite)

# isort: split
from mmseg.datasets.transforms import RandomRotFlip
from mmseg.registry import TRANSFORMS

from attn_unet.datasets.transforms import RandomRotFlipNearest

LABEL_IDS = {0, 3, 7}
NUM_DRAWS = 40


def organ_slice(size: int = 64) -> dict:
    """A results dict: a grayscale-as-RGB image and a label map with ids {0, 3, 7}.

    Organ 7 touches organ 3 and background, so a bilinear rotation blends 0-3, 3-7 and 0-7.
    """
    yy, xx = np.mgrid[:size, :size]
    label = np.zeros((size, size), np.uint8)
    label[(yy - 24) ** 2 + (xx - 24) ** 2 < 15**2] = 3
    label[(yy - 40) ** 2 + (xx - 38) ** 2 < 12**2] = 7
    img = np.repeat((label * 30 + 20)[..., None], 3, axis=2).astype(np.uint8)
    return dict(img=img, gt_seg_map=label, seg_fields=['gt_seg_map'])


def ids_after_rotations(transform, seed: int = 0) -> set:
    random.seed(seed)
    np.random.seed(seed)
    seen = set()
    for _ in range(NUM_DRAWS):
        seen |= set(np.unique(transform(organ_slice())['gt_seg_map']).tolist())
    return seen


def test_registered_and_built_from_config():
    transform = TRANSFORMS.build(
        dict(type='RandomRotFlipNearest', rotate_prob=0.5, flip_prob=0.5, degree=20)
    )
    assert isinstance(transform, RandomRotFlipNearest)
    assert transform.degree == (-20, 20)


@pytest.mark.parametrize('degree', [20, (-45, 45)])
def test_rotation_creates_no_new_label_ids(degree):
    ours = ids_after_rotations(RandomRotFlipNearest(rotate_prob=1.0, flip_prob=0.0, degree=degree))
    assert ours == LABEL_IDS


def test_mmseg_rotation_creates_new_label_ids():
    # The bug this transform fixes: bilinear rotation of the label map.
    theirs = ids_after_rotations(RandomRotFlip(rotate_prob=1.0, flip_prob=0.0, degree=20))
    assert theirs > LABEL_IDS
    assert theirs - LABEL_IDS & {1, 2, 4, 5, 6}


@pytest.mark.parametrize('rotate_prob, flip_prob', [(1.0, 0.0), (0.0, 1.0), (0.5, 0.5), (0.0, 0.0)])
def test_image_and_label_follow_mmseg_except_label_interpolation(rotate_prob, flip_prob):
    ours = RandomRotFlipNearest(rotate_prob=rotate_prob, flip_prob=flip_prob, degree=30)
    theirs = RandomRotFlip(rotate_prob=rotate_prob, flip_prob=flip_prob, degree=30)
    for seed in range(6):
        random.seed(seed)
        np.random.seed(seed)
        mine = ours(organ_slice())
        random.seed(seed)
        np.random.seed(seed)
        reference = theirs(copy.deepcopy(organ_slice()))
        np.testing.assert_array_equal(mine['img'], reference['img'])
        assert mine['gt_seg_map'].shape == reference['gt_seg_map'].shape
        # Away from organ edges both interpolations agree; exactly so without rotation.
        agree = (mine['gt_seg_map'] == reference['gt_seg_map']).mean()
        assert agree > 0.9 if rotate_prob else agree == 1.0


def test_uncovered_corners_are_background():
    sample = organ_slice()
    sample['gt_seg_map'][:] = 7
    random.seed(0)
    np.random.seed(0)
    rotated = RandomRotFlipNearest(rotate_prob=1.0, flip_prob=0.0, degree=(30, 40))(sample)
    assert rotated['gt_seg_map'][0, 0] == 0 and rotated['gt_seg_map'][-1, -1] == 0
    assert set(np.unique(rotated['gt_seg_map']).tolist()) == {0, 7}
