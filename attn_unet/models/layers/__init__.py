"""Building blocks of attn_unet models."""

from .attention_gate import AttentionGate
from .multi_attention_gate import MultiAttentionGate

__all__ = ['AttentionGate', 'MultiAttentionGate']
