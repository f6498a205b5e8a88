"""Model transforms that keep what a model computes: BatchNorm folded, a memory format, the
inference fast path's recipe."""

from .fast_inference import cpu_has_native_bf16, fast_inference_dtype, prepare_fast_inference
from .fold_batch_norm import fold_batch_norm
from .memory_format import MEMORY_FORMATS, apply_memory_format

__all__ = [
    'MEMORY_FORMATS',
    'apply_memory_format',
    'cpu_has_native_bf16',
    'fast_inference_dtype',
    'fold_batch_norm',
    'prepare_fast_inference',
]
