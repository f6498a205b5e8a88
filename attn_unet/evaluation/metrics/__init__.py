"""Metrics registered in mmseg's METRICS."""

from .volume_metric import SynapseVolumeMetric, case_metrics, parse_slice_name

__all__ = ['SynapseVolumeMetric', 'case_metrics', 'parse_slice_name']
