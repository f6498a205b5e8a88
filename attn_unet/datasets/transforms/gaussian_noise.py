"""Additive Gaussian noise, as nnU-Net adds it (probability 0.1, std up to 0.1).

The images are normalised (mean 0, std 1 in the foreground), so a std of 0.1 is a tenth of
the foreground's spread. One std is drawn per sample and used for every plane (nnU-Net
synchronises it across channels); the noise itself is drawn per pixel and plane.
"""

import numpy as np
from mmcv.transforms import BaseTransform

from attn_unet.registry import TRANSFORMS

from .channel_groups import as_planes, restore, value_range

__all__ = ['RandomGaussianNoise']


@TRANSFORMS.register_module()
class RandomGaussianNoise(BaseTransform):
    """With probability ``prob``, adds N(0, s^2) noise, s drawn from ``std``, to ``img``.

    ``img`` (H, W) or (H, W, N) keeps its shape and dtype; labels are untouched.

    Args:
        prob: Probability of noise on a sample. Defaults to 0.1 (nnU-Net).
        std: Range ``(low, high)`` of the noise's standard deviation. Defaults to
            (0, 0.1) (nnU-Net's ``noise_variance``, which it uses as the std).
    """

    def __init__(self, prob: float = 0.1, std=(0.0, 0.1)) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must lie in [0, 1], got {prob!r}')
        self.prob = prob
        self.std = value_range(std, 'std')
        if self.std[0] < 0:
            raise ValueError(f'std must not be negative, got {std!r}')

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        img = results['img']
        sigma = np.random.uniform(*self.std)
        planes = as_planes(img)
        planes += np.random.normal(0.0, sigma, planes.shape).astype(np.float32)
        results['img'] = restore(planes, img)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(prob={self.prob}, std={self.std})'
