"""Data side: layout and file checks, label conversion and a synthetic mini set."""

from .cityscapes_convert import convert_cityscapes
from .integrity import (
    DATA_CHECK_DEFAULTS,
    DataIntegrityError,
    DatasetFilesReport,
    check_data,
    check_dataset_files,
)
from .label_id_guard import LabelIdGuardHook
from .layout import DatasetLayoutError, check_cityscapes_layout, check_dataset_cfg
from .mini_cityscapes import MINI_CITIES, generate_mini_cityscapes
from .street_scene import render_street_image, sample_street_scene

__all__ = [
    'DATA_CHECK_DEFAULTS',
    'DataIntegrityError',
    'DatasetFilesReport',
    'MINI_CITIES',
    'DatasetLayoutError',
    'LabelIdGuardHook',
    'check_cityscapes_layout',
    'check_data',
    'check_dataset_cfg',
    'check_dataset_files',
    'convert_cityscapes',
    'generate_mini_cityscapes',
    'render_street_image',
    'sample_street_scene',
]
