"""Evaluation: registered metrics, and the warning for a class a run never predicts."""

from .metrics import SynapseVolumeMetric, VesselMetric, VolumeMetric
from .unpredicted_class_hook import UnpredictedClassHook, unpredicted_classes

__all__ = [
    'SynapseVolumeMetric',
    'UnpredictedClassHook',
    'VesselMetric',
    'VolumeMetric',
    'unpredicted_classes',
]
