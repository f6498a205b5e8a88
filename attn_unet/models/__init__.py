"""attn_unet models; importing registers them in mmseg's MODELS."""

from .backbones import AttentionUNet, backbone_downsample_rate
from .data_preprocessors import CompactLabelSegDataPreProcessor
from .decode_heads import FusedDSVHead, PerScaleLossHead
from .layers import AttentionGate, MultiAttentionGate
from .losses import ClassMeanDiceLoss

__all__ = [
    'AttentionGate',
    'AttentionUNet',
    'ClassMeanDiceLoss',
    'CompactLabelSegDataPreProcessor',
    'FusedDSVHead',
    'MultiAttentionGate',
    'PerScaleLossHead',
    'backbone_downsample_rate',
]
