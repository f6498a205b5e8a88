"""Decode heads registered in mmseg's MODELS: deep supervision for multi-scale backbones."""

from .fused_dsv_head import FusedDSVHead
from .per_scale_loss_head import PerScaleLossHead, per_scale_weights

__all__ = ['FusedDSVHead', 'PerScaleLossHead', 'per_scale_weights']
