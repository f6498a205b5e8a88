"""Cityscapes data side: layout checks, label conversion and a synthetic mini set."""

from .cityscapes_convert import convert_cityscapes
from .drive_convert import convert_drive
from .layout import (
    DatasetLayoutError,
    check_cityscapes_layout,
    check_dataset_cfg,
    check_drive_layout,
)
from .mini_cityscapes import MINI_CITIES, generate_mini_cityscapes
from .street_scene import render_street_image, sample_street_scene
from .synthetic import generate_fundus

__all__ = [
    'MINI_CITIES',
    'DatasetLayoutError',
    'check_cityscapes_layout',
    'check_dataset_cfg',
    'check_drive_layout',
    'convert_cityscapes',
    'convert_drive',
    'generate_fundus',
    'generate_mini_cityscapes',
    'render_street_image',
    'sample_street_scene',
]
