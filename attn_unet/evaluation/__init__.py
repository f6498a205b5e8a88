"""Evaluation: registered metrics, the warning for a class a run never predicts, the scores of
label volumes on their scans' grids and the postprocessing chosen on them."""

from .metrics import SynapseVolumeMetric, VesselMetric, VolumeMetric
from .postprocessing import (
    CaseTrials,
    Postprocessing,
    PostprocessingChoice,
    choose_postprocessing,
    dice_per_class,
    trial_scores,
)
from .unpredicted_class_hook import UnpredictedClassHook, unpredicted_classes
from .volume_scores import CaseScore, score_volume, summarise, summary_table

__all__ = [
    'CaseScore',
    'CaseTrials',
    'Postprocessing',
    'PostprocessingChoice',
    'SynapseVolumeMetric',
    'UnpredictedClassHook',
    'VesselMetric',
    'VolumeMetric',
    'choose_postprocessing',
    'dice_per_class',
    'score_volume',
    'summarise',
    'summary_table',
    'trial_scores',
    'unpredicted_classes',
]
