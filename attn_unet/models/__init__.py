"""attn_unet models; importing registers them in mmseg's MODELS."""

from .backbones import AttentionUNet
from .decode_heads import FusedDSVHead, PerScaleLossHead
from .layers import AttentionGate, MultiAttentionGate

__all__ = [
    'AttentionGate',
    'AttentionUNet',
    'FusedDSVHead',
    'MultiAttentionGate',
    'PerScaleLossHead',
]
