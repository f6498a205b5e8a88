"""From a checkpoint and new CT scans (NIfTI, DICOM series) to label volumes a viewer opens.

What ``tools/predict.py`` runs; :func:`predict` is the entry point. Checkpoints of a set
converted by the Decathlon / nnU-Net converter repeat its recorded plan (:mod:`.planned`).
"""

from .case_scan import CaseScan, open_case
from .channel_inputs import CaseInput, find_cases
from .dicom_scan import DicomScan, open_series
from .images import ImageOutputs, image_outputs, segment_images
from .orientation import VoxelOrder, voxel_order
from .outputs import ScanOutputs
from .planned import checkpoint_slice_plan, predict_planned
from .scan_io import Scan, open_scan, write_like_scan
from .slice_segmentor import SlicePrediction, SliceSegmentor
from .tool import PREDICT_WORDING, PredictOptions, ScanPrediction, predict
from .tta import segment_batch
from .volume import VolumePrediction, VolumePredictor, segment_slices

__all__ = [
    'PREDICT_WORDING',
    'CaseInput',
    'CaseScan',
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
    'checkpoint_slice_plan',
    'find_cases',
    'image_outputs',
    'open_case',
    'open_scan',
    'open_series',
    'predict',
    'predict_planned',
    'segment_batch',
    'segment_images',
    'segment_slices',
    'voxel_order',
    'write_like_scan',
]
