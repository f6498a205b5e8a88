"""Building blocks of attn_unet models: the attention gates, BatchNorm synchronised on CPU."""

from .attention_gate import AttentionGate
from .cpu_sync_batchnorm import CPUSyncBatchNorm, convert_sync_bn_to_cpu
from .multi_attention_gate import MultiAttentionGate

__all__ = ['AttentionGate', 'CPUSyncBatchNorm', 'MultiAttentionGate', 'convert_sync_bn_to_cpu']
