"""Data transforms registered in mmseg's TRANSFORMS.

nnU-Net's 2D augmentation, one transform per file, in the order nnU-Net applies it:
:class:`RandomCropRotateScale`, :class:`RandomGaussianNoise`, :class:`RandomGaussianBlur`,
:class:`RandomMultiplicativeBrightness`, :class:`RandomContrast`,
:class:`RandomLowResolution`, :class:`RandomGamma` (inverted, then not),
:class:`RandomAxisMirror`.
"""

from .axis_mirror import RandomAxisMirror
from .brightness import RandomMultiplicativeBrightness
from .contrast import RandomContrast
from .crop_rotate_scale import RandomCropRotateScale
from .gamma import RandomGamma
from .gaussian_blur import RandomGaussianBlur
from .gaussian_noise import RandomGaussianNoise
from .low_resolution import RandomLowResolution
from .pack_compact import PackCompactSegInputs, compact_label_map
from .rot_flip import RandomRotFlipNearest

__all__ = [
    'PackCompactSegInputs',
    'RandomAxisMirror',
    'RandomContrast',
    'RandomCropRotateScale',
    'RandomGamma',
    'RandomGaussianBlur',
    'RandomGaussianNoise',
    'RandomLowResolution',
    'RandomMultiplicativeBrightness',
    'RandomRotFlipNearest',
    'compact_label_map',
]
