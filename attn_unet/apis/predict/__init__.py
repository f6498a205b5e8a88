"""From a checkpoint and new scans to label volumes a viewer opens (``tools/predict.py``).

Synapse checkpoints cut CT slices as the Synapse converter did (:mod:`.volume`); checkpoints of
a set converted by the Decathlon / nnU-Net converter repeat its recorded plan (:mod:`.planned`).
"""

from .case_scan import CaseScan, open_case
from .channel_inputs import CaseInput, find_cases
from .orientation import VoxelOrder, voxel_order
from .planned import checkpoint_slice_plan, predict_planned
from .scan_io import Scan, open_scan, write_like_scan
from .slice_segmentor import SlicePrediction, SliceSegmentor
from .tool import PredictOptions, predict
from .volume import VolumePrediction, VolumePredictor, segment_slices

__all__ = [
    'CaseInput',
    'CaseScan',
    'PredictOptions',
    'Scan',
    'SlicePrediction',
    'SliceSegmentor',
    'VolumePrediction',
    'VolumePredictor',
    'VoxelOrder',
    'checkpoint_slice_plan',
    'find_cases',
    'open_case',
    'open_scan',
    'predict',
    'predict_planned',
    'segment_slices',
    'voxel_order',
    'write_like_scan',
]
