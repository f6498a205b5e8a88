"""What the intensity transforms share: channel groups of K planes, nnU-Net's factor draw."""

import numpy as np
import pytest

from attn_unet.datasets.transforms.channel_groups import (
    channel_groups,
    restore,
    sample_around_one,
    value_range,
)


@pytest.mark.parametrize(
    'planes, context, expected',
    [(1, 1, [(0, 1)]), (6, 3, [(0, 3), (3, 6)]), (6, 1, [(i, i + 1) for i in range(6)])],
)
def test_channel_groups_are_consecutive_planes(planes, context, expected):
    assert [(g.start, g.stop) for g in channel_groups(planes, context)] == expected


def test_planes_that_do_not_fill_the_groups_are_refused():
    with pytest.raises(ValueError, match='multiple of context 3'):
        channel_groups(4, 3)


def test_factors_fall_below_and_above_one_equally_often():
    np.random.seed(0)
    draws = np.array([sample_around_one(0.7, 1.5) for _ in range(4000)])
    assert draws.min() >= 0.7 and draws.max() <= 1.5
    assert abs((draws < 1).mean() - 0.5) < 0.04  # a uniform draw on [0.7, 1.5] gives 0.375
    assert sample_around_one(1.1, 1.2) >= 1.1  # no room below 1: always above


def test_restore_keeps_shape_and_dtype():
    img = np.array([[10, 250]], np.uint8)
    planes = np.array([[[9.6], [300.0]]], np.float32)
    out = restore(planes, img)
    assert out.dtype == np.uint8 and out.tolist() == [[10, 255]]
    assert restore(planes, img.astype(np.float32)).dtype == np.float32


def test_value_range():
    assert value_range(0.5, 'x') == (0.5, 0.5)
    with pytest.raises(ValueError, match='low <= high'):
        value_range((2, 1), 'x')
