"""The largest 26-connected piece of a mask, and of each class of a label volume."""

import numpy as np
import pytest

from attn_unet.volumes import keep_largest_components, largest_component


def _volume(*boxes, shape=(12, 12, 8), value=1) -> np.ndarray:
    out = np.zeros(shape, np.uint8)
    for box in boxes:
        out[box] = value
    return out


BIG = np.s_[1:6, 1:6, 1:5]  # 100 voxels
SMALL = np.s_[9:11, 9:11, 6:8]  # 8 voxels, apart from BIG


@pytest.mark.parametrize(
    'mask, expected',
    [
        (_volume(BIG, SMALL), _volume(BIG)),  # the island goes
        (_volume(BIG), _volume(BIG)),  # one piece stays whole
        (_volume(), _volume()),  # nothing stays nothing
    ],
)
def test_the_largest_piece_is_kept(mask, expected):
    np.testing.assert_array_equal(largest_component(mask), expected.astype(bool))


def test_pieces_touching_at_a_corner_are_one_piece():
    mask = _volume(np.s_[0:2, 0:2, 0:2], np.s_[2:3, 2:3, 2:3])  # corner to corner
    assert largest_component(mask).sum() == 9
    mask = _volume(np.s_[0:2, 0:2, 0:2], np.s_[3:4, 3:4, 3:4])  # one voxel apart
    assert largest_component(mask).sum() == 8


def test_each_class_keeps_its_own_largest_piece_and_the_rest_is_background():
    ids = _volume(BIG, SMALL)
    ids[1:3, 9:11, 1:3] = 2  # class 2: a big piece of 8 ...
    ids[9, 1, 7] = 2  # ... and a single voxel
    kept = keep_largest_components(ids, [2])
    assert (kept == 1).sum() == (ids == 1).sum()  # class 1 untouched
    assert (kept == 2).sum() == 8 and kept[9, 1, 7] == 0
    both = keep_largest_components(ids, [1, 2])
    assert (both == 1).sum() == 100 and (both == 2).sum() == 8
    np.testing.assert_array_equal(ids, keep_largest_components(ids, []))  # a copy, unchanged


def test_the_foreground_step_treats_every_class_as_one_mask():
    ids = _volume(BIG)
    ids[6, 1:6, 1:5] = 2  # class 2 touches class 1: one foreground piece with it
    ids[10, 10, 7] = 2  # a class-2 island far away
    kept = keep_largest_components(ids, foreground=True)
    assert kept[10, 10, 7] == 0 and (kept == 2).sum() == 20 and (kept == 1).sum() == 100
