"""The CT slice arithmetic every converter and predictor takes from one place."""

import numpy as np
import pytest

from attn_unet.slicing.ct_slices import (
    ScaledSlices,
    SliceSpec,
    as_loaded,
    btcv_to_synapse,
    encode_slice,
    from_synapse_slices,
    neighbour_indices,
    scale_hu,
    slice_image,
    synapse_to_btcv,
    to_synapse_slices,
)


@pytest.fixture
def volume():
    """A (X, Y, Z) = (20, 16, 9) HU volume whose slice z is filled with 40 * z - 120 HU."""
    rng = np.random.default_rng(0)
    levels = 40.0 * np.arange(9) - 120.0
    return levels[None, None, :] + rng.normal(0, 3, (20, 16, 9))


def test_window_and_scale_are_the_converters():
    hu = np.array([-1000.0, -125.0, 75.0, 275.0, 3000.0])
    np.testing.assert_allclose(scale_hu(hu), (np.clip(hu, -125, 275) + 125) / 400 * 255)


def test_slice_axes_are_transpose_201_then_flip_and_come_back(volume):
    slices = to_synapse_slices(volume)
    np.testing.assert_array_equal(slices, np.flip(np.transpose(volume, [2, 0, 1]), 2))
    np.testing.assert_array_equal(from_synapse_slices(slices), volume)
    per_class = np.stack([slices, slices + 1], axis=-1)  # (Z, X, Y, C) back to (X, Y, Z, C)
    np.testing.assert_array_equal(from_synapse_slices(per_class)[..., 1], volume + 1)


@pytest.mark.parametrize(
    'z, context, gap, expected',
    [
        (4, 1, 1, [4]),
        (4, 3, 1, [3, 4, 5]),
        (0, 3, 1, [0, 0, 1]),
        (8, 5, 1, [6, 7, 8, 8, 8]),
        (4, 3, 2, [2, 4, 6]),
        (1, 5, 2, [0, 0, 1, 3, 5]),
    ],
)
def test_neighbours_repeat_the_end_slices(z, context, gap, expected):
    assert neighbour_indices(z, 9, SliceSpec(context=context, slice_gap=gap)) == expected


@pytest.mark.parametrize('kwargs', [dict(context=2), dict(context=0), dict(slice_gap=0)])
def test_bad_specs_are_refused(kwargs):
    with pytest.raises(ValueError):
        SliceSpec(**kwargs)


@pytest.mark.parametrize('context', [3, 5])
def test_stacked_files_read_back_the_neighbours_of_a_known_slice(volume, context):
    spec = SliceSpec(context=context)
    slices = to_synapse_slices(scale_hu(volume))
    loaded = as_loaded(encode_slice(slice_image(slices, 4, spec), spec), spec)
    assert loaded.shape == (20, 16, context) and loaded.dtype == np.uint8
    grey = [np.asarray(slice_image(slices, z))[..., 0] for z in neighbour_indices(4, 9, spec)]
    np.testing.assert_array_equal(loaded, np.stack(grey, axis=-1))  # lossless, in order
    means = loaded.reshape(-1, context).mean(axis=0)
    assert np.all(np.diff(means) > 20), means  # slice z-1, z, z+1 ... by their HU level


@pytest.mark.parametrize('context', [1, 3])
def test_slices_scaled_one_at_a_time_are_the_whole_volume_scaled_bit_for_bit(volume, context):
    hu = np.concatenate([volume, np.full((20, 16, 1), 3000.0), np.full((20, 16, 1), -1000.0)], 2)
    spec = SliceSpec(context=context, hu_window=(-100.0, 200.0))
    whole, lazy = to_synapse_slices(scale_hu(hu, spec)), ScaledSlices(hu, spec)
    assert len(lazy) == len(whole) == 11
    for z in range(11):
        assert lazy[z].dtype == np.float64
        np.testing.assert_array_equal(lazy[z], whole[z])
        assert encode_slice(slice_image(lazy, z, spec), spec) == encode_slice(
            slice_image(whole, z, spec), spec
        )
    assert np.shares_memory(lazy._slices, hu)  # a view of the HU volume, no scaled copy


def test_a_single_slice_is_grey_in_three_channels(volume):
    image = slice_image(to_synapse_slices(scale_hu(volume)), 4)
    loaded = as_loaded(encode_slice(image))
    assert image.mode == 'RGB' and loaded.shape == (20, 16, 3)
    assert np.array_equal(loaded[..., 0], loaded[..., 2])


def test_label_ids_map_to_the_8_organs_and_back():
    btcv = np.arange(14, dtype=np.uint8)
    synapse = btcv_to_synapse(btcv)
    assert synapse.tolist() == [0, 7, 4, 3, 2, 0, 5, 8, 1, 0, 0, 6, 0, 0]
    kept = synapse > 0
    np.testing.assert_array_equal(synapse_to_btcv(synapse)[kept], btcv[kept])
