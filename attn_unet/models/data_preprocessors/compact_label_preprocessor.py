"""mmseg's ``SegDataPreProcessor`` that widens compactly packed labels on the model's device.

:class:`~attn_unet.datasets.transforms.PackCompactSegInputs` hands labels over as uint8;
the losses (``F.cross_entropy``) need int64. The widening happens here, after the batch has
moved to the model's device: on a GPU it is one small kernel per sample instead of four
times the bytes through shared memory and the host-to-device copy. The widened labels live
in the step's own data samples (mmengine's ``cast_data`` makes them), so the loop's own
reference to the batch keeps the small uint8 maps only.
"""

import torch
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
        # mmengine's cast_data gave the step data samples of its own (BaseDataElement.to
        # returns new ones), so widening theirs leaves the loop's batch with its uint8 maps.
        for sample in result.get('data_samples') or []:
            labels = sample.get('gt_sem_seg')
            if labels is not None and _needs_widening(labels.data):
                labels.data = labels.data.long()
        return result


def _needs_widening(labels: torch.Tensor) -> bool:
    """Integer labels narrower than int64 (uint8, int16, int32)."""
    return labels.dtype not in _NOT_WIDENED and not labels.is_floating_point()
