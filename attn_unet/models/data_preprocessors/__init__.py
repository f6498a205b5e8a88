"""Data preprocessors registered in mmseg's MODELS."""

from .compact_label_preprocessor import CompactLabelSegDataPreProcessor

__all__ = ['CompactLabelSegDataPreProcessor']
