"""mmseg's ``PackSegInputs`` with the label map kept in 8 bits on its way to the model.

mmseg packs every label map as int64: 16 MB for a batch of four 512x1024 crops, eight times
what its ids need. A batch crosses from a loader worker to the training process through
shared memory, and the main process pays for receiving and freeing it by the byte, between
steps, while the device waits. Packed here, labels stay uint8 when every id fits (every
dataset the project knows: up to 255 classes and ``ignore_index`` 255); the model's data
preprocessor (:class:`~attn_unet.models.data_preprocessors.CompactLabelSegDataPreProcessor`)
widens them to int64 on the model's device, where the losses need them.
"""

import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.datasets.transforms import PackSegInputs

from attn_unet.registry import TRANSFORMS

__all__ = ['PackCompactSegInputs', 'compact_label_map']


def compact_label_map(labels: np.ndarray) -> torch.Tensor:
    """A label map as a tensor of the narrowest dtype that holds its ids.

    Args:
        labels: integer ids, (H, W) or (1, H, W) (or any shape).

    Returns:
        The ids, (1, H, W) for a 2D map (otherwise ``labels``' shape), as uint8 when every id
        lies in 0..255, as int64 (mmseg's dtype) otherwise. Never a lossy cast.
    """
    if labels.ndim == 2:
        labels = labels[None]
    if labels.dtype != np.uint8:
        if not np.issubdtype(labels.dtype, np.integer):
            raise TypeError(f'a label map must hold integer ids, got dtype {labels.dtype}')
        low, high = (int(labels.min()), int(labels.max())) if labels.size else (0, 0)
        labels = labels.astype(np.uint8 if 0 <= low and high <= 255 else np.int64)
    return torch.from_numpy(np.ascontiguousarray(labels))


@TRANSFORMS.register_module()
class PackCompactSegInputs(PackSegInputs):
    """``PackSegInputs`` whose ``gt_sem_seg`` is uint8 (1, H, W) when its ids fit in 8 bits.

    Everything else (the image (C, H, W), the meta keys, other maps) is packed by mmseg.
    The model's data preprocessor must widen the labels: name
    ``CompactLabelSegDataPreProcessor`` as ``model.data_preprocessor.type`` (the training
    tools refuse a config that packs compactly without it).
    """

    def transform(self, results: dict) -> dict:
        labels = results.pop('gt_seg_map', None)
        packed = super().transform(results)
        if labels is not None:
            results['gt_seg_map'] = labels
            packed['data_samples'].gt_sem_seg = PixelData(data=compact_label_map(labels))
        return packed
