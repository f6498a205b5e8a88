"""The plan slicing: plan slices, lossless float TIFF, 2.5D stacks, normalisation."""

import mmcv
import numpy as np
import pytest
from mmcv.transforms import LoadImageFromFile

from attn_unet.slicing.volume_slices import (
    decode_image,
    encode_image,
    encode_plan_label,
    from_plan_slices,
    normalise_channel,
    slice_stack,
    to_plan_slices,
)


def test_axial_slices_read_as_a_radiologist_reads_them():
    # an LPS volume: slice z is volume[:, :, z].T, rows posterior-ward, columns leftward
    volume = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    slices = to_plan_slices(volume)
    assert slices.shape == (4, 3, 2)
    np.testing.assert_array_equal(slices[1], volume[:, :, 1].T)
    np.testing.assert_array_equal(from_plan_slices(slices), volume)


@pytest.mark.parametrize('shape', [(7, 9), (7, 9, 1), (7, 9, 3), (7, 9, 10)])
def test_float_tiff_round_trip_is_lossless_through_mmcvs_loader(tmp_path, shape):
    stack = np.random.default_rng(1).normal(size=shape).astype(np.float32) * 1e3
    stack.flat[0] = np.float32(1e-7)  # values 8-bit files could never hold
    path = tmp_path / 'x_slice000.tiff'
    path.write_bytes(encode_image(stack))
    loaded = LoadImageFromFile(imdecode_backend='tifffile')(dict(img_path=str(path)))['img']
    expected = stack[..., 0] if shape[-1:] == (1,) else stack
    assert loaded.dtype == np.float32
    np.testing.assert_array_equal(loaded, expected)
    np.testing.assert_array_equal(decode_image(path.read_bytes()), expected)


def test_labels_are_8_bit_pngs():
    ids = np.array([[0, 1], [2, 255]], np.uint8)
    np.testing.assert_array_equal(mmcv.imfrombytes(encode_plan_label(ids), flag='unchanged'), ids)


def test_normalisation_per_channel_kind():
    hu = np.array([-1000.0, -50.0, 40.0, 100.0, 3000.0])
    ct = dict(norm='ct', clip=[-50.0, 100.0], mean=40.0, std=30.0)
    np.testing.assert_allclose(normalise_channel(hu, ct), [-3, -3, 0, 2, 2])
    z = normalise_channel(hu, dict(norm='zscore'))
    assert z.mean() == pytest.approx(0, abs=1e-6) and z.std() == pytest.approx(1, abs=1e-6)
    np.testing.assert_array_equal(normalise_channel(hu, dict(norm='none')), hu.astype(np.float32))
    with pytest.raises(ValueError, match="got 'minmax'"):
        normalise_channel(hu, dict(norm='minmax'))


def test_2_5d_stacks_each_channels_neighbours_ends_repeated():
    slices = np.arange(2 * 4 * 1 * 1, dtype=np.float32).reshape(2, 4, 1, 1)  # C=2, Z=4
    assert slice_stack(slices[:1], 2).shape == (1, 1)  # one channel, K = 1: a plain plane
    stack = slice_stack(slices, 0, context=3)
    # channel 0: slices 0, 0, 1; channel 1 (values 4..7): slices 0, 0, 1
    assert stack[0, 0].tolist() == [0, 0, 1, 4, 4, 5]
    assert slice_stack(slices, 3, context=3, gap=2)[0, 0].tolist() == [1, 3, 3, 5, 7, 7]
