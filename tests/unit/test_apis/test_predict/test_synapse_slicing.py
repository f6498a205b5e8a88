"""A volume is cut into the converter's slices, segmented in batches and stacked back in place."""

import numpy as np
import pytest

from attn_unet.apis.predict import PredictOptions, SlicePrediction, SynapseSlicing, segment_volume

AFFINE = np.diag([-1.0, -1.0, 2.5, 1.0])  # stored LPS


class ThresholdSegmentor:
    """Class 1 where the middle channel (the slice itself) is bright: an answer we know."""

    def __init__(self):
        self.batches = []

    def __call__(self, images, attention=False):
        self.batches.append(len(images))
        middle = images[0].shape[-1] // 2
        bright = np.stack([image[..., middle] > 128 for image in images]).astype(np.float32)
        probs = np.stack([1 - bright, bright], axis=1)
        maps = {0: bright * 0.5, 1: bright * 0.25} if attention else {}
        return SlicePrediction(probs, maps)


class RampSegmentor:
    """Class 1 more likely the further right a pixel lies: a flip changes its answer."""

    def __call__(self, images, attention=False):
        height, width = images[0].shape[:2]
        ramp = np.broadcast_to(np.arange(width) / width, (len(images), height, width))
        return SlicePrediction(np.stack([1 - ramp, ramp], axis=1).astype(np.float32), {})


class Volume:
    """An opened volume as the pipeline sees one: its channels, grid and name."""

    def __init__(self, hu, affine=AFFINE, non_finite=0):
        self.hu, self.affine, self.non_finite = hu, affine, non_finite

    def read_channels(self, dtype):
        return self.hu[None].astype(dtype)


class Bar:
    def __init__(self):
        self.total, self.done = None, []

    def reset(self, total):
        self.total = total

    def update(self, n):
        self.done.append(n)


@pytest.fixture
def volume():
    """(X, Y, Z) = (32, 48, 5) HU: bright where x < 16 and y >= 32 on odd slices."""
    hu = np.full((32, 48, 5), -1000.0)
    hu[:16, 32:, 1::2] = 1000.0
    return hu


def _slicing(orientation=None, **record):
    return SynapseSlicing(record, PredictOptions('out', orientation=orientation))


def _predict(volume, segmentor, slicing=None, bar=None, mirror_axes=(), **options):
    options = PredictOptions('out', **options)
    return segment_volume(Volume(volume), slicing or _slicing(), segmentor, options, bar,
                          mirror_axes)  # fmt: skip


@pytest.mark.parametrize('context', [1, 3])
@pytest.mark.parametrize('batch_size', [1, 2, 8])
def test_labels_land_on_the_voxels_they_were_predicted_for(volume, context, batch_size):
    segmentor = ThresholdSegmentor()
    prediction = _predict(volume, segmentor, _slicing(context=context), batch_size=batch_size)
    np.testing.assert_array_equal(prediction.labels, (volume > 0).astype(np.uint8))
    assert prediction.labels.dtype == np.uint8 and prediction.attention is None
    assert sum(segmentor.batches) == 5 and max(segmentor.batches) <= batch_size


def test_a_volume_in_another_order_comes_back_in_its_own(volume):
    """Cut in the training order PRS, whatever the stored order; put back in the stored one."""
    segmentor = ThresholdSegmentor()
    prediction = _predict(volume, segmentor, _slicing(orientation='PRS'))
    np.testing.assert_array_equal(prediction.labels, (volume > 0).astype(np.uint8))
    assert sum(segmentor.batches) == 5  # still cut across the stored third axis (S)


def test_attention_comes_back_per_stage_in_the_volume_order(volume):
    prediction = _predict(volume, ThresholdSegmentor(), batch_size=2, save_attention=True)
    assert prediction.attention.shape == (32, 48, 5, 2)
    assert prediction.attention.dtype == np.float32
    np.testing.assert_array_equal(prediction.attention[..., 0], (volume > 0) * 0.5)
    np.testing.assert_array_equal(prediction.attention[..., 1], (volume > 0) * 0.25)


def test_flip_tta_averages_the_softmax_of_each_mirror(volume):
    plain = _predict(volume, RampSegmentor(), batch_size=4).labels
    columns = _predict(volume, RampSegmentor(), batch_size=4, mirror_axes=(1,)).labels
    rows = _predict(volume, RampSegmentor(), batch_size=4, mirror_axes=(0,)).labels
    assert plain.any() and not plain.all()  # the ramp alone splits each slice
    assert not columns.any()  # averaged with its left-right mirror, class 1 never wins
    np.testing.assert_array_equal(rows, plain)  # a ramp along the columns: rows change nothing


def test_progress_counts_every_slice(volume):
    bar = Bar()
    _predict(volume, ThresholdSegmentor(), bar=bar, batch_size=2)
    assert bar.total == 5 and bar.done == [2, 2, 1]


def test_non_finite_voxels_are_read_as_air(volume):
    """With NaN where the volume is bright, the labels are those of air there."""
    holed = volume.copy()
    holed[:16, 32:, 1] = np.nan
    aired = volume.copy()
    aired[:16, 32:, 1] = -1024.0
    options = PredictOptions('out')
    got = segment_volume(Volume(holed, non_finite=1), _slicing(), ThresholdSegmentor(), options)
    want = segment_volume(Volume(aired), _slicing(), ThresholdSegmentor(), options)
    np.testing.assert_array_equal(got.labels, want.labels)
    assert not got.labels[:16, 32:, 1].any()
