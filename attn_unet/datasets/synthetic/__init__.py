"""Synthetic data generators."""

from .fundus import generate_fundus, render_fundus

__all__ = ['generate_fundus', 'render_fundus']
