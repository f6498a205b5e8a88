"""mmseg's ``SegDataPreProcessor`` that widens compactly packed labels on the model's device.

:class:`~attn_unet.datasets.transforms.PackCompactSegInputs` hands labels over as uint8;
the losses (``F.cross_entropy``) need int64. The widening happens here, after the batch has
moved to the model's device: on a GPU it is one small kernel per sample instead of four
times the bytes through shared memory and the host-to-device copy. The widened labels live
in new data samples that belong to the step, so the loop's own reference to the batch keeps
the small uint8 maps only.
"""

import torch
from mmengine.structures import PixelData
from mmseg.models.data_preprocessor import SegDataPreProcessor

from attn_unet.registry import MODELS

__all__ = ['CompactLabelSegDataPreProcessor']

_NOT_WIDENED = (torch.int64, torch.bool)


@MODELS.register_module()
class CompactLabelSegDataPreProcessor(SegDataPreProcessor):
    """``SegDataPreProcessor`` whose data samples leave with int64 ``gt_sem_seg`` (1, H, W).

    Takes mmseg's arguments unchanged. Labels already int64 (mmseg's ``PackSegInputs``)
    pass through as they are; the preprocessed ``inputs`` (N, C, H, W) are mmseg's.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        result = super().forward(data, training)
        samples = result.get('data_samples')
        if samples:
            result['data_samples'] = [_with_wide_labels(sample) for sample in samples]
        return result


def _with_wide_labels(sample):
    """``sample`` itself when its labels are int64 or absent, else a copy with int64 labels.

    The copy shares every other field with ``sample``; only ``gt_sem_seg`` is new.
    """
    labels = sample.get('gt_sem_seg')
    if labels is None or labels.data.dtype in _NOT_WIDENED or labels.data.is_floating_point():
        return sample
    widened = sample.new()
    widened.gt_sem_seg = PixelData(data=labels.data.long(), metainfo=labels.metainfo)
    return widened
