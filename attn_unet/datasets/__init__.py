"""Data side: layout checks at the package root; converters and generators by module.

The converter wrappers (``attn_unet.datasets.cityscapes_convert``) and the
generators (``attn_unet.datasets.synthetic``) are imported by their tools, not
here, so ``import attn_unet`` does not load cityscapesscripts.
"""

from .errors import DatasetError
from .layout import DatasetLayoutError, check_cityscapes_layout, check_dataset_cfg
from .transforms import RandomRotFlipNearest

__all__ = [
    'DatasetError',
    'DatasetLayoutError',
    'RandomRotFlipNearest',
    'check_cityscapes_layout',
    'check_dataset_cfg',
]
