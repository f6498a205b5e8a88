"""Data side: layout and file checks, the label-id guard and registered transforms.

The converter wrappers (``attn_unet.datasets.{cityscapes,drive,synapse}_convert``)
and the generators (``attn_unet.datasets.synthetic``) are imported by their
tools, not here, so ``import attn_unet`` loads neither cityscapesscripts nor
nibabel.
"""

from .errors import DatasetError
from .integrity import (
    DATA_CHECK_DEFAULTS,
    DataIntegrityError,
    DatasetFilesReport,
    check_data,
    check_dataset_files,
)
from .label_id_guard import LabelIdGuardHook
from .layout import (
    DatasetLayoutError,
    check_cityscapes_layout,
    check_dataset_cfg,
    check_drive_layout,
    check_synapse_layout,
)
from .transforms import RandomRotFlipNearest

__all__ = [
    'DATA_CHECK_DEFAULTS',
    'DataIntegrityError',
    'DatasetError',
    'DatasetFilesReport',
    'DatasetLayoutError',
    'LabelIdGuardHook',
    'RandomRotFlipNearest',
    'check_cityscapes_layout',
    'check_data',
    'check_dataset_cfg',
    'check_dataset_files',
    'check_drive_layout',
    'check_synapse_layout',
]
