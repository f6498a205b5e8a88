"""Simulated low resolution, as nnU-Net simulates it (probability 0.25, zoom 0.5 to 1).

Once the transform runs, each channel is, with probability 0.5, shrunk by a zoom drawn
from [0.5, 1] (the same for both axes), nearest-neighbour, and brought back to its size
bilinearly: detail below the lower resolution is lost, as in a coarser scan. The K context
slices of a channel share the zoom.
"""

import cv2
import numpy as np

from attn_unet.registry import TRANSFORMS

from .channel_groups import GroupedIntensityTransform, value_range

__all__ = ['RandomLowResolution']


@TRANSFORMS.register_module()
class RandomLowResolution(GroupedIntensityTransform):
    """Each channel group down-sampled by a zoom drawn from ``zoom``, then up-sampled back.

    Args:
        prob: Probability that the transform runs on a sample. Defaults to 0.25 (nnU-Net).
        zoom: Range of the zoom (1 keeps the resolution). Defaults to (0.5, 1.0) (nnU-Net).
        channel_prob: Probability that a channel group is changed. Defaults to 0.5 (nnU-Net).
        context: K, planes per channel. Defaults to 1.
    """

    def __init__(self, prob: float = 0.25, zoom=(0.5, 1.0), channel_prob: float = 0.5,
                 context: int = 1) -> None:  # fmt: skip
        super().__init__(prob, channel_prob, context)
        self.zoom = value_range(zoom, 'zoom')
        if not 0 < self.zoom[0] <= self.zoom[1] <= 1:
            raise ValueError(f'zoom must lie in (0, 1], got {zoom!r}')

    def change(self, planes: np.ndarray) -> np.ndarray:
        zoom = np.random.uniform(*self.zoom)
        height, width = planes.shape[:2]
        small = (max(1, round(width * zoom)), max(1, round(height * zoom)))
        low = cv2.resize(planes, small, interpolation=cv2.INTER_NEAREST_EXACT)
        return cv2.resize(low, (width, height), interpolation=cv2.INTER_LINEAR).reshape(
            planes.shape
        )
