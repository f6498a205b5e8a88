"""What the intensity augmentations share: an image as planes, its channels as groups of K.

A converted slice (:mod:`attn_unet.slicing.volume_slices`) is ``(H, W)`` for one channel
and K = 1, else ``(H, W, C K)``: C channels (modalities), each as K neighbouring slices
(2.5D context), channel-major. nnU-Net draws its intensity parameters per channel of a 3D
patch; here a channel is its K planes, so the K slices of one modality get one draw, as the
slices of one 3D patch would. :class:`GroupedIntensityTransform` is the base of every
intensity transform: with probability ``prob`` it visits each group and, with probability
``channel_prob``, changes it.
"""

from typing import List, Tuple

import numpy as np
from mmcv.transforms import BaseTransform

__all__ = [
    'GroupedIntensityTransform',
    'as_planes',
    'channel_groups',
    'restore',
    'sample_around_one',
    'value_range',
]


def as_planes(img: np.ndarray) -> np.ndarray:
    """``img`` (H, W) or (H, W, N) as a float32 copy (H, W, N)."""
    planes = np.array(img, dtype=np.float32, copy=True)
    return planes[..., None] if planes.ndim == 2 else planes


def restore(planes: np.ndarray, like: np.ndarray) -> np.ndarray:
    """``planes`` (H, W, N) back in ``like``'s shape and dtype (integers rounded and clipped).

    A batch stacks its samples, so a transform that runs on some samples only must not
    change their dtype: a float32 slice stays float32, an 8-bit image stays 8-bit.
    """
    planes = planes.reshape(like.shape)
    if np.issubdtype(like.dtype, np.integer):
        limits = np.iinfo(like.dtype)
        return np.clip(np.rint(planes), limits.min, limits.max).astype(like.dtype)
    return planes.astype(like.dtype, copy=False)


def channel_groups(num_planes: int, context: int) -> List[slice]:
    """The plane ranges of each channel: ``num_planes / context`` groups of ``context``.

    Raises:
        ValueError: ``num_planes`` is not a multiple of ``context``.
    """
    if context < 1 or num_planes % context:
        raise ValueError(
            f'the image has {num_planes} planes, not channels x context = a multiple of '
            f"context {context}: set the transform's context to the plan's K"
        )
    return [slice(start, start + context) for start in range(0, num_planes, context)]


def sample_around_one(low: float, high: float) -> float:
    """A factor from ``[low, high]``, below and above 1 equally often when ``low < 1 < high``.

    nnU-Net's rule for brightness, contrast and gamma factors: half of the draws come from
    ``[low, 1)``, half from ``[1, high]``, so ``(0.7, 1.5)`` darkens as often as it brightens
    although the interval is not centred on 1.
    """
    if np.random.rand() < 0.5 and low < 1:
        return float(np.random.uniform(low, 1))
    return float(np.random.uniform(max(low, 1), high))


def value_range(value, name: str) -> Tuple[float, float]:
    """``(low, high)`` as floats; a single number ``v`` is ``(v, v)``.

    Raises:
        ValueError: ``low > high``.
    """
    if np.isscalar(value):
        value = (value, value)
    low, high = (float(v) for v in value)
    if low > high:
        raise ValueError(f'{name} must be (low, high) with low <= high, got {value!r}')
    return low, high


class GroupedIntensityTransform(BaseTransform):
    """Changes each channel group of ``results['img']`` with its own draw; labels untouched.

    Subclasses implement :meth:`change`. The image keeps its shape and dtype.

    Args:
        prob: Probability that the transform runs on a sample.
        channel_prob: Probability, once it runs, that a given channel group changes.
        context: K, planes per channel (the slice plan's ``context``). Defaults to 1.
    """

    def __init__(self, prob: float, channel_prob: float = 1.0, context: int = 1) -> None:
        for name, p in (('prob', prob), ('channel_prob', channel_prob)):
            if not 0 <= p <= 1:
                raise ValueError(f'{name} must lie in [0, 1], got {p!r}')
        if not isinstance(context, int) or context < 1:
            raise ValueError(f'context must be a whole number >= 1, got {context!r}')
        self.prob = prob
        self.channel_prob = channel_prob
        self.context = context

    def change(self, planes: np.ndarray) -> np.ndarray:
        """One group changed: ``planes`` (H, W, K) float32 in, the same shape out."""
        raise NotImplementedError

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        img = results['img']
        planes = as_planes(img)
        for group in channel_groups(planes.shape[2], self.context):
            if np.random.rand() < self.channel_prob:
                planes[..., group] = self.change(planes[..., group])
        results['img'] = restore(planes, img)
        return results

    def __repr__(self) -> str:
        arguments = ', '.join(f'{k}={v!r}' for k, v in vars(self).items())
        return f'{type(self).__name__}({arguments})'
