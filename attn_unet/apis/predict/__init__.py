"""From a checkpoint and new CT scans (NIfTI, DICOM series) to label volumes a viewer opens.

What ``tools/predict.py`` runs; :func:`predict` is the entry point.
"""

from .dicom_scan import DicomScan, open_series
from .images import ImageOutputs, image_outputs, segment_images
from .orientation import VoxelOrder, voxel_order
from .outputs import ScanOutputs
from .scan_io import Scan, open_scan, write_like_scan
from .slice_segmentor import SlicePrediction, SliceSegmentor
from .tool import PREDICT_WORDING, PredictOptions, ScanPrediction, predict
from .tta import segment_batch
from .volume import VolumePrediction, VolumePredictor

__all__ = [
    'PREDICT_WORDING',
    'DicomScan',
    'ImageOutputs',
    'PredictOptions',
    'Scan',
    'ScanOutputs',
    'ScanPrediction',
    'SlicePrediction',
    'SliceSegmentor',
    'VolumePrediction',
    'VolumePredictor',
    'VoxelOrder',
    'image_outputs',
    'open_scan',
    'open_series',
    'predict',
    'segment_batch',
    'segment_images',
    'voxel_order',
    'write_like_scan',
]
