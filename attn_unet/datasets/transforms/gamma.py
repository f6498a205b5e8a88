"""Gamma, as nnU-Net varies it: twice, once on the inverted image (probability 0.1), once not (0.3).

Each channel is scaled to [0, 1] over its own range, raised to a gamma drawn from
[0.7, 1.5] (below and above 1 equally often), scaled back, and given its former mean and
std again. With ``invert_prob`` the channel is negated before and after, so the gamma bends
the bright end instead of the dark one. The K context slices of a channel are one channel.
"""

import numpy as np

from attn_unet.registry import TRANSFORMS

from .channel_groups import GroupedIntensityTransform, sample_around_one, value_range

__all__ = ['RandomGamma']


@TRANSFORMS.register_module()
class RandomGamma(GroupedIntensityTransform):
    """A gamma curve on each channel group's own range, its mean and std kept.

    Args:
        prob: Probability that the transform runs on a sample. Defaults to 0.3 (nnU-Net's
            gamma without inversion; its inverted one runs with 0.1 and ``invert_prob=1``).
        gamma: Range of the exponent. Defaults to (0.7, 1.5) (nnU-Net).
        invert_prob: Probability that a group is negated around the curve. Defaults to 0.
        retain_stats: Restore the group's mean and std afterwards. Defaults to True (nnU-Net).
        context: K, planes per channel. Defaults to 1.
    """

    def __init__(self, prob: float = 0.3, gamma=(0.7, 1.5), invert_prob: float = 0.0,
                 retain_stats: bool = True, context: int = 1) -> None:  # fmt: skip
        super().__init__(prob, 1.0, context)
        if not 0 <= invert_prob <= 1:
            raise ValueError(f'invert_prob must lie in [0, 1], got {invert_prob!r}')
        self.gamma = value_range(gamma, 'gamma')
        if self.gamma[0] <= 0:
            raise ValueError(f'gamma must be positive, got {gamma!r}')
        self.invert_prob = invert_prob
        self.retain_stats = retain_stats

    def change(self, planes: np.ndarray) -> np.ndarray:
        invert = np.random.rand() < self.invert_prob
        gamma = sample_around_one(*self.gamma)
        x = -planes.astype(np.float64) if invert else planes.astype(np.float64)
        mean, std = x.mean(), x.std()
        low = x.min()
        span = max(x.max() - low, 1e-7)
        x = ((x - low) / span) ** gamma * span + low
        if self.retain_stats:
            x = (x - x.mean()) * (std / max(x.std(), 1e-7)) + mean
        return (-x if invert else x).astype(np.float32)
