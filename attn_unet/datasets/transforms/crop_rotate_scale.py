"""A random crop that is, now and then, rotated and scaled: nnU-Net's 2D spatial augmentation.

nnU-Net v2 (``nnUNetTrainer.get_training_transforms``) cuts each 2D patch out of a larger
one through a rotation (probability 0.2; any angle when the patch's sides differ by at most
1.5x, else +-15 degrees) and a scaling (probability 0.2, a factor in [0.7, 1.4], one for both
axes, larger factors showing more of the scan, so objects appear smaller), and no elastic
deformation in 2D. Here the crop is taken from the whole slice in the same way: the
crop's window is placed at random as mmseg's ``RandomCrop`` places it, then rotated and
scaled about its centre, so what the rotated window covers comes from the slice around it.
Only what lies outside the slice is padded: the image with ``pad_val``, the labels with
``seg_pad_val`` (255, ignored by the loss). The image is interpolated bilinearly (as
nnU-Net does), the label maps nearest-neighbour (no blended ids at organ edges).
"""

import math

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from attn_unet.registry import TRANSFORMS

from .channel_groups import value_range

__all__ = ['RandomCropRotateScale']


@TRANSFORMS.register_module()
class RandomCropRotateScale(BaseTransform):
    """A ``crop_size`` window of the slice, rotated and scaled, each now and then.

    Without rotation and scaling it is a random crop (pixels copied, not interpolated). A
    slice smaller than ``crop_size`` along a side keeps that side (the data preprocessor pads
    the batch), as with mmseg's ``RandomCrop``. ``img`` (H, W) or (H, W, C) and every map in
    ``seg_fields`` (H, W) move together; ``img_shape`` becomes the crop's.

    Args:
        crop_size: ``(h, w)`` of the output.
        rotate_prob: Probability of a rotation. Defaults to 0.2 (nnU-Net).
        degree: Angle range in degrees, ``(min, max)``, or ``d`` for ``(-d, d)``. Defaults
            to 180 (nnU-Net's 2D range for crops whose sides differ by at most 1.5x).
        scale_prob: Probability of a scaling. Defaults to 0.2 (nnU-Net).
        scale: Range of the factor: the window covers ``factor`` times the crop's side of
            the slice, so objects appear ``1 / factor`` as large. Defaults to (0.7, 1.4).
        pad_val: Image value outside the slice. Defaults to 0 (the normalised mean).
        seg_pad_val: Label value outside the slice. Defaults to 255 (ignored).
    """

    def __init__(
        self,
        crop_size,
        rotate_prob: float = 0.2,
        degree=180,
        scale_prob: float = 0.2,
        scale=(0.7, 1.4),
        pad_val: float = 0,
        seg_pad_val: int = 255,
    ) -> None:
        crop = (crop_size, crop_size) if isinstance(crop_size, int) else tuple(crop_size)
        if len(crop) != 2 or min(crop) < 1:
            raise ValueError(f'crop_size must be (h, w) of positive sides, got {crop_size!r}')
        for name, p in (('rotate_prob', rotate_prob), ('scale_prob', scale_prob)):
            if not 0 <= p <= 1:
                raise ValueError(f'{name} must lie in [0, 1], got {p!r}')
        self.crop_size = (int(crop[0]), int(crop[1]))
        self.rotate_prob = rotate_prob
        self.degree = value_range((-degree, degree) if np.isscalar(degree) else degree, 'degree')
        self.scale_prob = scale_prob
        self.scale = value_range(scale, 'scale')
        if self.scale[0] <= 0:
            raise ValueError(f'scale must be positive, got {scale!r}')
        self.pad_val = pad_val
        self.seg_pad_val = seg_pad_val

    def transform(self, results: dict) -> dict:
        rotate = np.random.rand() < self.rotate_prob
        scaled = np.random.rand() < self.scale_prob
        angle = np.random.uniform(*self.degree) if rotate else 0.0
        factor = np.random.uniform(*self.scale) if scaled else 1.0
        height, width = results['img'].shape[:2]
        h, w = min(self.crop_size[0], height), min(self.crop_size[1], width)
        top = np.random.randint(0, height - h + 1)
        left = np.random.randint(0, width - w + 1)
        if rotate or scaled:
            matrix = _window_matrix(top, left, h, w, angle, factor)
            results['img'] = _warp(results['img'], matrix, (w, h), self.pad_val)
            for key in results.get('seg_fields', []):
                results[key] = _warp_nearest(results[key], matrix, (w, h), self.seg_pad_val)
        else:
            window = (slice(top, top + h), slice(left, left + w))
            results['img'] = results['img'][window]
            for key in results.get('seg_fields', []):
                results[key] = results[key][window]
        results['img_shape'] = (h, w)
        return results

    def __repr__(self) -> str:
        return (
            f'{type(self).__name__}(crop_size={self.crop_size}, rotate_prob={self.rotate_prob}, '
            f'degree={self.degree}, scale_prob={self.scale_prob}, scale={self.scale}, '
            f'pad_val={self.pad_val}, seg_pad_val={self.seg_pad_val})'
        )


def _window_matrix(top: int, left: int, h: int, w: int, angle: float, factor: float):
    """The (2, 3) map from output pixel (x, y) to slice pixel: about the window's centre."""
    theta = math.radians(angle)
    cos, sin = factor * math.cos(theta), factor * math.sin(theta)
    out_cx, out_cy = (w - 1) / 2, (h - 1) / 2
    src_cx, src_cy = left + out_cx, top + out_cy
    return np.array(
        [
            [cos, -sin, src_cx - cos * out_cx + sin * out_cy],
            [sin, cos, src_cy - sin * out_cx - cos * out_cy],
        ],
        dtype=np.float64,
    )


def _warp(array: np.ndarray, matrix: np.ndarray, size: tuple, fill: float) -> np.ndarray:
    """An image (H, W[, C]) sampled bilinearly at ``matrix`` (output -> input) into ``size``.

    ``size`` is (w, h); the result keeps ``array``'s dtype (integers rounded and clipped).
    """
    planes = array if array.ndim == 3 else array[..., None]
    out = np.empty((size[1], size[0], planes.shape[2]), dtype=np.float32)
    for start in range(0, planes.shape[2], 4):  # OpenCV fills at most 4 channels with `fill`
        chunk = np.ascontiguousarray(planes[..., start : start + 4], dtype=np.float32)
        warped = cv2.warpAffine(
            chunk, matrix, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT, borderValue=(float(fill),) * 4,
        )  # fmt: skip
        out[..., start : start + 4] = warped.reshape(size[1], size[0], -1)
    out = out if array.ndim == 3 else out[..., 0]
    if np.issubdtype(array.dtype, np.integer):
        limits = np.iinfo(array.dtype)
        return np.clip(np.rint(out), limits.min, limits.max).astype(array.dtype)
    return out.astype(array.dtype, copy=False)


def _warp_nearest(labels: np.ndarray, matrix: np.ndarray, size: tuple, fill: int) -> np.ndarray:
    """A label map (H, W) of any integer dtype sampled nearest at ``matrix`` into ``size``."""
    ys, xs = np.mgrid[: size[1], : size[0]]
    src_x = np.floor(matrix[0, 0] * xs + matrix[0, 1] * ys + matrix[0, 2] + 0.5).astype(np.intp)
    src_y = np.floor(matrix[1, 0] * xs + matrix[1, 1] * ys + matrix[1, 2] + 0.5).astype(np.intp)
    inside = (src_x >= 0) & (src_x < labels.shape[1]) & (src_y >= 0) & (src_y < labels.shape[0])
    out = np.full((size[1], size[0]), fill, dtype=labels.dtype)
    out[inside] = labels[src_y[inside], src_x[inside]]
    return out
