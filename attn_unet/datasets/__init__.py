"""Data side: layout and file checks, the registered slice datasets and transforms.

The converters (``attn_unet.datasets.{cityscapes,drive,synapse}_convert`` and
``attn_unet.datasets.decathlon``) are imported by their tools, not here, so
``import attn_unet`` loads neither cityscapesscripts nor nibabel.
"""

from .collate import shared_batch_collate
from .integrity import DATA_CHECK_DEFAULTS, DatasetFilesReport, check_data, check_dataset_files
from .layout import (
    check_cityscapes_layout,
    check_dataset_cfg,
    check_drive_layout,
    check_synapse_layout,
)
from .samplers import ForegroundOversamplingSampler
from .synapse_slice_dataset import SynapseSliceDataset
from .transforms import PackCompactSegInputs, RandomRotFlipNearest
from .volume_slice_dataset import VolumeSliceDataset

__all__ = [
    'DATA_CHECK_DEFAULTS',
    'DatasetFilesReport',
    'ForegroundOversamplingSampler',
    'PackCompactSegInputs',
    'RandomRotFlipNearest',
    'SynapseSliceDataset',
    'VolumeSliceDataset',
    'check_cityscapes_layout',
    'check_data',
    'check_dataset_cfg',
    'check_dataset_files',
    'check_drive_layout',
    'check_synapse_layout',
    'shared_batch_collate',
]
