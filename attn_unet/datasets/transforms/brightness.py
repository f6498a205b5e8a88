"""Multiplicative brightness, as nnU-Net varies it (probability 0.15, factor 0.75 to 1.25).

Each channel is multiplied by its own factor, below and above 1 equally often
(:func:`~.channel_groups.sample_around_one`); the K context slices of a channel share it.
"""

import numpy as np

from attn_unet.registry import TRANSFORMS

from .channel_groups import GroupedIntensityTransform, sample_around_one, value_range

__all__ = ['RandomMultiplicativeBrightness']


@TRANSFORMS.register_module()
class RandomMultiplicativeBrightness(GroupedIntensityTransform):
    """Multiplies each channel group by a factor drawn from ``multiplier``.

    Args:
        prob: Probability that the transform runs on a sample. Defaults to 0.15 (nnU-Net).
        multiplier: Range of the factor. Defaults to (0.75, 1.25) (nnU-Net).
        context: K, planes per channel. Defaults to 1.
    """

    def __init__(self, prob: float = 0.15, multiplier=(0.75, 1.25), context: int = 1) -> None:
        super().__init__(prob, 1.0, context)
        self.multiplier = value_range(multiplier, 'multiplier')

    def change(self, planes: np.ndarray) -> np.ndarray:
        return planes * np.float32(sample_around_one(*self.multiplier))
