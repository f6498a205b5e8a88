"""Data side: layout checks, converters and synthetic sets (Cityscapes, Synapse)."""

from .cityscapes_convert import convert_cityscapes
from .layout import (
    DatasetLayoutError,
    check_cityscapes_layout,
    check_dataset_cfg,
    check_synapse_layout,
)
from .mini_cityscapes import MINI_CITIES, generate_mini_cityscapes
from .street_scene import render_street_image, sample_street_scene
from .synapse_convert import SynapseConvertError, convert_synapse
from .synthetic import generate_ct_phantom
from .transforms import RandomRotFlipNearest

__all__ = [
    'MINI_CITIES',
    'DatasetLayoutError',
    'RandomRotFlipNearest',
    'SynapseConvertError',
    'check_cityscapes_layout',
    'check_dataset_cfg',
    'check_synapse_layout',
    'convert_synapse',
    'convert_cityscapes',
    'generate_ct_phantom',
    'generate_mini_cityscapes',
    'render_street_image',
    'sample_street_scene',
]
