"""Evaluation: registered metrics."""

from .metrics import SynapseVolumeMetric, VesselMetric, VolumeMetric

__all__ = ['SynapseVolumeMetric', 'VesselMetric', 'VolumeMetric']
