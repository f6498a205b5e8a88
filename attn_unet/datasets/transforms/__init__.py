"""Data transforms registered in mmseg's TRANSFORMS."""

from .pack_compact import PackCompactSegInputs, compact_label_map
from .rot_flip import RandomRotFlipNearest

__all__ = ['PackCompactSegInputs', 'RandomRotFlipNearest', 'compact_label_map']
