"""Metrics registered in mmseg's METRICS."""

from .binary_metric import VesselMetric
from .volume_metric import SynapseVolumeMetric, case_metrics, parse_slice_name

__all__ = ['SynapseVolumeMetric', 'VesselMetric', 'case_metrics', 'parse_slice_name']
