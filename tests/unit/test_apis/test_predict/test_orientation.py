"""A scan in any voxel order goes into the training order and its prediction comes back exactly."""

import itertools

import nibabel as nib
import numpy as np
import pytest

from attn_unet.apis.predict import voxel_order
from attn_unet.errors import ToolError
from tests.helpers.orientations import stored_as

PHANTOM_AFFINE = np.array([[0, 1.4, 0, -90], [-1.4, 0, 0, 90], [0, 0, 4, -180], [0, 0, 0, 1.0]])
ALL_AXCODES = [
    ''.join(letters)
    for perm in itertools.permutations([('L', 'R'), ('P', 'A'), ('I', 'S')])
    for letters in itertools.product(*perm)
]


def test_all_48_orders_are_covered():
    assert len(set(ALL_AXCODES)) == 48


@pytest.mark.parametrize('axcodes', ALL_AXCODES)
def test_any_stored_order_reaches_the_training_order_and_comes_back(axcodes):
    volume = np.random.default_rng(0).normal(size=(5, 6, 7))
    data, affine = stored_as(volume, PHANTOM_AFFINE, axcodes)
    assert ''.join(nib.aff2axcodes(affine)) == axcodes
    order = voxel_order(affine, 'PRS')
    np.testing.assert_array_equal(order.to_training(data), volume)
    np.testing.assert_array_equal(order.to_scan(order.to_training(data)), data)
    per_stage = np.stack([volume, -volume], axis=-1)  # trailing axes travel along
    np.testing.assert_array_equal(order.to_scan(per_stage)[..., 1], -data)


def test_unknown_training_order_keeps_the_voxels():
    volume = np.arange(24.0).reshape(2, 3, 4)
    order = voxel_order(np.diag([-1.0, -1, 1, 1]), None)
    assert order.source == order.target == ('L', 'P', 'S')
    np.testing.assert_array_equal(order.to_training(volume), volume)


@pytest.mark.parametrize('codes', ['PR', 'PRX', 'PPS', 'LRS'])
def test_bad_axis_codes_are_one_line(codes):
    with pytest.raises(ToolError, match='not 3 axis codes'):
        voxel_order(PHANTOM_AFFINE, codes)
