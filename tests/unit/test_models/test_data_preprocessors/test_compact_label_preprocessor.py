"""CompactLabelSegDataPreProcessor: mmseg's preprocessor, with uint8 labels widened for the loss."""

import copy

import pytest
import torch

import attn_unet  # noqa: F401  (stands in for mmcv._ext, so mmseg imports with mmcv-lite)

# isort: split
from mmengine.structures import PixelData
from mmseg.models.data_preprocessor import SegDataPreProcessor
from mmseg.structures import SegDataSample

from attn_unet.models import CompactLabelSegDataPreProcessor

ARGS = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True,
            pad_val=0, seg_pad_val=255, size=(8, 12))  # fmt: skip


def batch(dtype: torch.dtype, count: int = 2, shape=(6, 10)) -> dict:
    """Images (3, H, W) and labels (1, H, W) smaller than ARGS' size, so training pads both."""
    generator = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for _ in range(count):
        inputs.append(torch.randint(0, 256, (3, *shape), dtype=torch.uint8, generator=generator))
        labels = torch.randint(0, 19, (1, *shape), generator=generator).to(dtype)
        labels[0, 0, 0] = 255
        sample = SegDataSample(gt_sem_seg=PixelData(data=labels))
        sample.set_metainfo(dict(img_shape=shape))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


@pytest.mark.parametrize('training', [True, False])
def test_uint8_labels_leave_as_mmseg_int64_labels_leave_mmseg(training):
    compact = CompactLabelSegDataPreProcessor(**ARGS)(batch(torch.uint8), training)
    reference = SegDataPreProcessor(**ARGS)(batch(torch.int64), training)
    assert torch.equal(compact['inputs'], reference['inputs'])
    for got, want in zip(compact['data_samples'], reference['data_samples']):
        assert got.gt_sem_seg.data.dtype == torch.int64
        assert torch.equal(got.gt_sem_seg.data, want.gt_sem_seg.data)  # padded with 255 too
        assert got.metainfo == want.metainfo


def test_the_callers_batch_keeps_its_small_labels():
    data = batch(torch.uint8)
    kept = [sample.gt_sem_seg.data for sample in data['data_samples']]
    CompactLabelSegDataPreProcessor(**ARGS)(data, True)
    for sample, labels in zip(data['data_samples'], kept):
        assert sample.gt_sem_seg.data is labels and labels.dtype == torch.uint8


def test_int64_labels_pass_through_unchanged():
    out = CompactLabelSegDataPreProcessor(**ARGS)(batch(torch.int64), False)
    reference = SegDataPreProcessor(**ARGS)(batch(torch.int64), False)
    for got, want in zip(out['data_samples'], reference['data_samples']):
        assert torch.equal(got.gt_sem_seg.data, want.gt_sem_seg.data)


def test_the_loss_on_uint8_labels_is_the_loss_on_int64_labels():
    from mmseg.registry import MODELS

    loss = dict(type='CrossEntropyLoss', loss_weight=1.0)
    head = dict(type='FCNHead', in_channels=3, channels=4, num_convs=1, num_classes=19,
                norm_cfg=None, loss_decode=loss)  # fmt: skip
    losses = []
    for kind, dtype in ((CompactLabelSegDataPreProcessor, torch.uint8),
                        (SegDataPreProcessor, torch.int64)):  # fmt: skip
        torch.manual_seed(0)
        decode_head = MODELS.build(copy.deepcopy(head))
        data = kind(**ARGS)(batch(dtype), True)
        loss = decode_head.loss([data['inputs']], data['data_samples'], None)['loss_ce']
        losses.append(loss)
    assert torch.equal(losses[0], losses[1])
