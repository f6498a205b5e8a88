"""A volume is cut into the converter's slices, segmented in batches and stacked back in place."""

import numpy as np
import pytest

from attn_unet.apis.predict import SlicePrediction, VolumePredictor
from attn_unet.datasets.ct_slices import SliceSpec


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


@pytest.fixture
def volume():
    """(X, Y, Z) = (32, 48, 5) HU: bright where x < 16 and y >= 32 on odd slices."""
    hu = np.full((32, 48, 5), -1000.0)
    hu[:16, 32:, 1::2] = 1000.0
    return hu


@pytest.mark.parametrize('context', [1, 3])
@pytest.mark.parametrize('batch_size', [1, 2, 8])
def test_labels_land_on_the_voxels_they_were_predicted_for(volume, context, batch_size):
    segmentor = ThresholdSegmentor()
    predictor = VolumePredictor(segmentor, SliceSpec(context=context), batch_size)
    prediction = predictor.predict(volume)
    np.testing.assert_array_equal(prediction.labels, (volume > 0).astype(np.uint8))
    assert prediction.labels.dtype == np.uint8 and prediction.attention is None
    assert sum(segmentor.batches) == 5 and max(segmentor.batches) <= batch_size


def test_attention_comes_back_per_stage_in_the_volume_order(volume):
    prediction = VolumePredictor(ThresholdSegmentor(), SliceSpec(), 2).predict(volume, True)
    assert prediction.attention.shape == (32, 48, 5, 2)
    assert prediction.attention.dtype == np.float32
    np.testing.assert_array_equal(prediction.attention[..., 0], (volume > 0) * 0.5)
    np.testing.assert_array_equal(prediction.attention[..., 1], (volume > 0) * 0.25)


def test_flip_tta_averages_the_mirrored_softmax(volume):
    plain = VolumePredictor(RampSegmentor(), SliceSpec(), 4).predict(volume).labels
    flipped = VolumePredictor(RampSegmentor(), SliceSpec(), 4, tta='flip').predict(volume).labels
    assert plain.any() and not plain.all()  # the ramp alone splits each slice
    assert not flipped.any()  # averaged with its mirror, class 1 never wins


def test_progress_counts_every_slice(volume):
    done = []
    VolumePredictor(ThresholdSegmentor(), SliceSpec(), 2).predict(volume, progress=done.append)
    assert done == [2, 2, 1]
