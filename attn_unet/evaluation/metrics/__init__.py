"""Metrics registered in mmseg's METRICS."""

from .binary_metric import VesselMetric
from .case_scores import EMPTY_RULES, score_case
from .synapse_volume_metric import SynapseVolumeMetric, case_metrics, parse_slice_name
from .volume_metric import VolumeMetric

__all__ = [
    'EMPTY_RULES',
    'SynapseVolumeMetric',
    'VesselMetric',
    'VolumeMetric',
    'case_metrics',
    'parse_slice_name',
    'score_case',
]
