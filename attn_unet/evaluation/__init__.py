"""Evaluation: registered metrics."""

from .metrics import SynapseVolumeMetric

__all__ = ['SynapseVolumeMetric']
