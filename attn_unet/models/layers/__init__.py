"""Building blocks of attn_unet models."""

from .attention_gate import AttentionGate

__all__ = ['AttentionGate']
