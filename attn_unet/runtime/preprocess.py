"""The steps around an exported graph in numpy: what the config's test pipeline, the data
preprocessor and mmseg's post-processing do in torch.

For a batch of loaded images ``(H, W, C)`` (or ``(H, W)``) of one size:

1. the test pipeline's ``Resize`` (mmcv's rule: with ``keep_ratio`` the scale factor is
   ``min(long / max(h, w), short / min(h, w))`` and the size ``int(w s + 0.5)``; OpenCV's
   ``resize`` as mmcv calls it, so the pixels are mmcv's own);
2. to float32, channels first; BGR -> RGB where the preprocessor reverses 3 channels;
   ``(x - mean) / std``; zero-padded at the bottom and right to the size divisor (or the
   fixed test size);
3. the graph (logits at the padded size);
4. the padding cropped off, the logits resized bilinearly to the loaded image's size
   (``torch.nn.functional.interpolate``'s arithmetic), softmax (sigmoid for a binary head).
"""

import math
from typing import Sequence

import numpy as np

from .optional import require

__all__ = ['normalise_and_pad', 'probabilities', 'resize_bilinear', 'resize_like_mmcv']

_CV2_INTERPOLATION = ('nearest', 'bilinear', 'bicubic', 'area', 'lanczos')


def _scaled_size(w: int, h: int, step: dict) -> tuple[int, int]:
    """``(w, h)`` after mmcv's ``Resize`` step (``scale`` ``(w, h)`` or ``scale_factor``)."""
    if step.get('scale') is None:
        factor = float(step['scale_factor'])
        target = (int(w * factor + 0.5), int(h * factor + 0.5))
    else:
        target = tuple(step['scale'])
    if not step.get('keep_ratio', True):
        return int(target[0]), int(target[1])
    long_edge, short_edge = max(target), min(target)
    factor = min(long_edge / max(h, w), short_edge / min(h, w))
    return int(w * float(factor) + 0.5), int(h * float(factor) + 0.5)


def resize_like_mmcv(image: np.ndarray, step: dict) -> np.ndarray:
    """``image`` ``(H, W[, C])`` through one mmcv ``Resize`` step (OpenCV, as mmcv calls it)."""
    cv2 = require('cv2', 'a model whose test pipeline resizes')
    interpolation = step.get('interpolation', 'bilinear')
    if interpolation not in _CV2_INTERPOLATION:
        raise ValueError(f'interpolation {interpolation!r} is not one of {_CV2_INTERPOLATION}')
    codes = dict(nearest=cv2.INTER_NEAREST, bilinear=cv2.INTER_LINEAR, bicubic=cv2.INTER_CUBIC,
                 area=cv2.INTER_AREA, lanczos=cv2.INTER_LANCZOS4)  # fmt: skip
    h, w = image.shape[:2]
    size = _scaled_size(w, h, step)
    if size == (w, h):
        return image
    return cv2.resize(image, size, interpolation=codes[interpolation])


def normalise_and_pad(
    images: Sequence[np.ndarray],
    mean: Sequence[float] | None,
    std: Sequence[float] | None,
    reverse_channels: bool,
    size_divisor: int | None,
    size: Sequence[int] | None = None,
) -> tuple[np.ndarray, tuple[int, int]]:
    """A batch as the data preprocessor makes it: ``((N, C, H', W') float32, (H, W))``.

    Args:
        images: ``(H, W, C)`` or ``(H, W)`` each, one size.
        mean, std: per channel, or None (no normalisation).
        reverse_channels: reverse 3 channels (BGR -> RGB), as mmseg's ``bgr_to_rgb``.
        size_divisor: pad H and W up to multiples of it (None: no padding).
        size: ``(h, w)`` to pad up to instead (the preprocessor's fixed test size), or None;
            as mmseg's ``stack_batch``, a size wins over the divisor.
    """
    batch = np.stack([im if im.ndim == 3 else im[..., None] for im in images])
    batch = np.ascontiguousarray(batch.transpose(0, 3, 1, 2), dtype=np.float32)
    if reverse_channels and batch.shape[1] == 3:
        batch = batch[:, ::-1]
    if mean is not None:
        mean_ = np.asarray(mean, np.float32).reshape(1, -1, 1, 1)
        std_ = np.asarray(std, np.float32).reshape(1, -1, 1, 1)
        batch = (batch - mean_) / std_
    height, width = batch.shape[-2:]
    if size is not None:
        padded = (max(int(size[0]), height), max(int(size[1]), width))
    else:
        divisor = max(int(size_divisor or 1), 1)
        padded = (math.ceil(height / divisor) * divisor, math.ceil(width / divisor) * divisor)
    if padded != (height, width):
        batch = np.pad(batch, ((0, 0), (0, 0), (0, padded[0] - height), (0, padded[1] - width)))
    return np.ascontiguousarray(batch, dtype=np.float32), (height, width)


def resize_bilinear(x: np.ndarray, size: tuple[int, int], align_corners: bool) -> np.ndarray:
    """``(N, C, H, W)`` -> ``(N, C, h, w)``: ``F.interpolate(mode='bilinear')``'s sampling."""
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    rows = _axis_weights(x.shape[-2], size[0], align_corners)
    cols = _axis_weights(x.shape[-1], size[1], align_corners)
    (r0, r1, a0, a1), (c0, c1, b0, b1) = rows, cols
    top = x[..., r0, :] * a0[:, None] + x[..., r1, :] * a1[:, None]
    return (top[..., c0] * b0 + top[..., c1] * b1).astype(np.float32)


def _axis_weights(n_in: int, n_out: int, align_corners: bool):
    dst = np.arange(n_out, dtype=np.float32)
    if align_corners:
        scale = np.float32((n_in - 1) / (n_out - 1)) if n_out > 1 else np.float32(0)
        src = dst * scale
    else:
        scale = np.float32(n_in / n_out)
        src = np.maximum((dst + np.float32(0.5)) * scale - np.float32(0.5), 0)
    low = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    high = np.minimum(low + 1, n_in - 1)
    weight = (src - low).astype(np.float32)
    return low, high, (1 - weight).astype(np.float32), weight


def probabilities(logits: np.ndarray) -> np.ndarray:
    """``(N, K, H, W)`` logits -> probabilities; one channel (a sigmoid head) -> two."""
    logits = logits.astype(np.float32)
    if logits.shape[1] == 1:
        foreground = 1 / (1 + np.exp(-logits))
        return np.concatenate([1 - foreground, foreground], axis=1)
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
