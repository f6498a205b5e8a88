"""From a checkpoint and new volumes (NIfTI cases, DICOM series) to label volumes a viewer opens.

What ``tools/predict.py`` runs; :func:`predict` is the entry point: one pipeline for every
checkpoint (:mod:`.pipeline`), with the checkpoint's slicing as the one dataset-specific part
(:mod:`.slicing`: :class:`SynapseSlicing` for Synapse and 2D models, :class:`PlanSlicing`
for models of a Decathlon / nnU-Net set). Several models predict as one ensemble
(:mod:`.ensemble`), the probabilities can be written (:mod:`.probabilities`), and the labels
postprocessed (:mod:`.postprocess`).
"""

from .ensemble import EnsembleSegmentor, Member, resolve_members, split_model_args
from .images import ImageOutputs, image_outputs, segment_images
from .inputs import find_inputs, rank_share
from .options import PREDICT_WORDING, PredictOptions
from .outputs import ScanOutputs
from .pipeline import ScanPrediction, VolumePrediction, predict, segment_volume
from .plan_slicing import PlanSlicing
from .postprocess import POSTPROCESS_MODES, postprocessing_for
from .probabilities import PROBABILITY_FORMATS, ProbabilityWriter, probability_paths
from .slice_loop import segment_slices
from .slice_segmentor import SlicePrediction, SliceSegmentor
from .slicing import VolumeSlicing, checkpoint_dataset_meta, slicing_for
from .synapse_slicing import SynapseSlicing
from .tta import segment_batch

__all__ = [
    'POSTPROCESS_MODES',
    'PREDICT_WORDING',
    'PROBABILITY_FORMATS',
    'EnsembleSegmentor',
    'ImageOutputs',
    'Member',
    'PlanSlicing',
    'PredictOptions',
    'ProbabilityWriter',
    'ScanOutputs',
    'ScanPrediction',
    'SlicePrediction',
    'SliceSegmentor',
    'SynapseSlicing',
    'VolumePrediction',
    'VolumeSlicing',
    'checkpoint_dataset_meta',
    'find_inputs',
    'image_outputs',
    'postprocessing_for',
    'predict',
    'probability_paths',
    'rank_share',
    'resolve_members',
    'segment_batch',
    'segment_images',
    'segment_slices',
    'segment_volume',
    'slicing_for',
    'split_model_args',
]
