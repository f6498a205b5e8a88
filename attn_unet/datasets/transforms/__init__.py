"""Data transforms registered in mmseg's TRANSFORMS."""

from .rot_flip import RandomRotFlipNearest

__all__ = ['RandomRotFlipNearest']
