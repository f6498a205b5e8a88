"""Evaluation: registered metrics."""

from .metrics import SynapseVolumeMetric, VesselMetric

__all__ = ['SynapseVolumeMetric', 'VesselMetric']
