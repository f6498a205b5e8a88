"""Evaluation: registered metrics."""

from .metrics import VesselMetric

__all__ = ['VesselMetric']
