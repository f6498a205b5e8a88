"""Contrast, as nnU-Net varies it (probability 0.15, factor 0.75 to 1.25, range preserved).

Each channel's deviations from its mean are scaled by its own factor (below and above 1
equally often), then clipped to the channel's former minimum and maximum. The K context
slices of a channel are one channel: one mean, one range, one factor.
"""

import numpy as np

from attn_unet.registry import TRANSFORMS

from .channel_groups import GroupedIntensityTransform, sample_around_one, value_range

__all__ = ['RandomContrast']


@TRANSFORMS.register_module()
class RandomContrast(GroupedIntensityTransform):
    """``(x - mean) * f + mean`` per channel group, f drawn from ``factor``.

    Args:
        prob: Probability that the transform runs on a sample. Defaults to 0.15 (nnU-Net).
        factor: Range of the factor. Defaults to (0.75, 1.25) (nnU-Net).
        preserve_range: Clip to the group's former [min, max]. Defaults to True (nnU-Net).
        context: K, planes per channel. Defaults to 1.
    """

    def __init__(self, prob: float = 0.15, factor=(0.75, 1.25), preserve_range: bool = True,
                 context: int = 1) -> None:  # fmt: skip
        super().__init__(prob, 1.0, context)
        self.factor = value_range(factor, 'factor')
        self.preserve_range = preserve_range

    def change(self, planes: np.ndarray) -> np.ndarray:
        mean = planes.mean(dtype=np.float64)
        out = (planes - mean) * sample_around_one(*self.factor) + mean
        if self.preserve_range:
            out = np.clip(out, planes.min(), planes.max())
        return out.astype(np.float32)
