"""Gaussian blur of some channels, as nnU-Net blurs them (probability 0.2, sigma 0.5 to 1).

Once the transform runs, each channel is blurred with probability 0.5, with a sigma drawn
for each axis on its own (nnU-Net: channels and axes not synchronised). The K context
slices of a channel share its sigmas. Borders are reflected.
"""

import math

import cv2
import numpy as np

from attn_unet.registry import TRANSFORMS

from .channel_groups import GroupedIntensityTransform, value_range

__all__ = ['RandomGaussianBlur']


@TRANSFORMS.register_module()
class RandomGaussianBlur(GroupedIntensityTransform):
    """Blurs each channel group with sigmas ``(s_rows, s_cols)`` drawn from ``sigma``.

    Args:
        prob: Probability that the transform runs on a sample. Defaults to 0.2 (nnU-Net).
        sigma: Range of each axis' sigma in pixels. Defaults to (0.5, 1.0) (nnU-Net).
        channel_prob: Probability that a channel group is blurred. Defaults to 0.5 (nnU-Net).
        context: K, planes per channel. Defaults to 1.
    """

    def __init__(self, prob: float = 0.2, sigma=(0.5, 1.0), channel_prob: float = 0.5,
                 context: int = 1) -> None:  # fmt: skip
        super().__init__(prob, channel_prob, context)
        self.sigma = value_range(sigma, 'sigma')
        if self.sigma[0] <= 0:
            raise ValueError(f'sigma must be positive, got {sigma!r}')

    def change(self, planes: np.ndarray) -> np.ndarray:
        rows, cols = np.random.uniform(*self.sigma, size=2)
        size = tuple(2 * math.ceil(3 * s) + 1 for s in (cols, rows))  # (width, height): +-3 sigma
        out = cv2.GaussianBlur(planes, size, sigmaX=cols, sigmaY=rows,
                               borderType=cv2.BORDER_REFLECT_101)  # fmt: skip
        return out.reshape(planes.shape)
