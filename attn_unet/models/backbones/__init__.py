"""Backbones registered in mmseg's MODELS."""

from .attention_unet import AttentionUNet

__all__ = ['AttentionUNet']
