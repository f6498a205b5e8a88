"""Mirroring along the slice axes a plan allows, as nnU-Net mirrors (each axis with p 0.5).

nnU-Net mirrors a 2D patch along both axes. Where the classes name a side (left and right
kidney), a left-right mirror teaches the network that a left kidney may lie on the right;
the Decathlon converter then leaves the left-right axis out of the plan's ``mirror_axes``
(:mod:`attn_unet.datasets.decathlon.mirroring`) and writes the axes it allows here.
"""

import numpy as np
from mmcv.transforms import BaseTransform

from attn_unet.registry import TRANSFORMS

__all__ = ['RandomAxisMirror']


@TRANSFORMS.register_module()
class RandomAxisMirror(BaseTransform):
    """Flips ``img`` and every ``seg_fields`` map along each of ``axes`` with probability ``prob``.

    Args:
        axes: Slice axes that may be mirrored: 0 flips the rows (top <-> bottom), 1 the
            columns (left <-> right of the image). Defaults to (0, 1) (nnU-Net's 2D axes).
        prob: Probability of each axis' flip, drawn per axis. Defaults to 0.5 (nnU-Net).
    """

    def __init__(self, axes=(0, 1), prob: float = 0.5) -> None:
        axes = tuple(int(a) for a in axes)
        if any(a not in (0, 1) for a in axes) or len(set(axes)) != len(axes):
            raise ValueError(f'axes must be distinct slice axes of (0, 1), got {axes!r}')
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must lie in [0, 1], got {prob!r}')
        self.axes = axes
        self.prob = prob

    def transform(self, results: dict) -> dict:
        flipped = tuple(a for a in self.axes if np.random.rand() < self.prob)
        if flipped:
            results['img'] = np.ascontiguousarray(np.flip(results['img'], flipped))
            for key in results.get('seg_fields', []):
                results[key] = np.ascontiguousarray(np.flip(results[key], flipped))
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(axes={self.axes}, prob={self.prob})'
