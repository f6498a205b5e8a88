"""Backbones registered in mmseg's MODELS, and the input-size rule backbones declare."""

from .attention_unet import AttentionUNet
from .downsample_rate import backbone_downsample_rate

__all__ = ['AttentionUNet', 'backbone_downsample_rate']
