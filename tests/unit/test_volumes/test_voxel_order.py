"""A volume in any voxel order goes into a named order and back exactly, spacings along."""

import itertools

import nibabel as nib
import numpy as np
import pytest

from attn_unet.errors import VolumeError
from attn_unet.volumes import VoxelOrder, axis_codes, voxel_spacing
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
def test_any_stored_order_reaches_the_target_order_and_comes_back(axcodes):
    volume = np.random.default_rng(0).normal(size=(5, 6, 7))
    data, affine = stored_as(volume, PHANTOM_AFFINE, axcodes)
    assert ''.join(nib.aff2axcodes(affine)) == axcodes
    assert axis_codes(affine) == axcodes
    order = VoxelOrder.of(affine, 'PRS')
    np.testing.assert_array_equal(order.to_target(data), volume)
    np.testing.assert_array_equal(order.to_stored(order.to_target(data)), data)
    per_stage = np.stack([volume, -volume], axis=-1)  # trailing axes travel along
    np.testing.assert_array_equal(order.to_stored(per_stage)[..., 1], -data)
    # spacings and shapes given per stored axis land on the target's axes
    assert order.along_target(voxel_spacing(affine)) == pytest.approx((1.4, 1.4, 4.0))
    assert order.along_target(data.shape) == volume.shape


def test_no_target_order_keeps_the_voxels():
    volume = np.arange(24.0).reshape(2, 3, 4)
    order = VoxelOrder.of(np.diag([-1.0, -1, 1, 1]), None)
    assert order.stored == order.target == 'LPS'
    np.testing.assert_array_equal(order.to_target(volume), volume)


@pytest.mark.parametrize('codes', ['PR', 'PRX', 'PPS', 'LRS'])
def test_bad_axis_codes_are_one_line(codes):
    with pytest.raises(VolumeError, match='not 3 axis codes'):
        VoxelOrder.of(PHANTOM_AFFINE, codes)
