"""Registered evaluation metrics."""

from .binary_metric import VesselMetric

__all__ = ['VesselMetric']
