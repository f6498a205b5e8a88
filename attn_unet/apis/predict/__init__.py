"""From a checkpoint and new CT scans to label volumes a viewer opens (``tools/predict.py``)."""

from .orientation import VoxelOrder, voxel_order
from .scan_io import Scan, open_scan, write_like_scan
from .slice_segmentor import SlicePrediction, SliceSegmentor
from .tool import PredictOptions, predict
from .volume import VolumePrediction, VolumePredictor

__all__ = [
    'PredictOptions',
    'Scan',
    'SlicePrediction',
    'SliceSegmentor',
    'VolumePrediction',
    'VolumePredictor',
    'VoxelOrder',
    'open_scan',
    'predict',
    'voxel_order',
    'write_like_scan',
]
