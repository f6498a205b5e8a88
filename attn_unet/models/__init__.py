"""attn_unet models; importing registers them in mmseg's MODELS."""

from .backbones import AttentionUNet
from .layers import AttentionGate

__all__ = ['AttentionGate', 'AttentionUNet']
