"""attn_unet models; importing registers them in mmseg's MODELS."""

from .backbones import AttentionUNet
from .layers import AttentionGate
from .losses import ClassMeanDiceLoss

__all__ = ['AttentionGate', 'AttentionUNet', 'ClassMeanDiceLoss']
