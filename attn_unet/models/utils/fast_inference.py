"""The inference fast path's recipe: BatchNorm folded, and bf16 where the device runs it fast.

``tools/test.py --fast`` (``FastTestLoop``), ``tools/predict.py --fast`` and the benchmarks
apply the same recipe to a loaded segmentor: :func:`prepare_fast_inference` folds BatchNorm
into the convolutions (the same function, to float rounding), :func:`fast_inference_dtype`
says whether to autocast to bf16 (not the same function: its agreement with fp32 is
measured by ``benchmarks/train_throughput.py``), and
:func:`~.memory_format.apply_memory_format` puts the model channels-last.
"""

import torch
import torch.nn as nn

from .fold_batch_norm import fold_batch_norm

__all__ = ['cpu_has_native_bf16', 'fast_inference_dtype', 'prepare_fast_inference']


def cpu_has_native_bf16() -> bool:
    """Whether this CPU has bf16 instructions that torch's kernels use (AVX512-BF16 or AMX)."""
    probes = ('_is_avx512_bf16_supported', '_is_amx_tile_supported')
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


def fast_inference_dtype(device_type: str) -> torch.dtype | None:
    """bf16 where ``device_type`` runs it fast (a CUDA card with bf16, a CPU with AVX512-BF16 or
    AMX), else None (fp32)."""
    if device_type == 'cuda':
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else None
    if device_type == 'cpu':
        return torch.bfloat16 if cpu_has_native_bf16() else None
    return None


def prepare_fast_inference(model: nn.Module) -> int:
    """Put ``model`` in eval mode and fold its BatchNorm layers; returns how many were folded.

    A model wrapper (DDP) is unwrapped first.
    """
    model = getattr(model, 'module', model) if _is_wrapper(model) else model
    model.eval()
    return fold_batch_norm(model)


def _is_wrapper(model: nn.Module) -> bool:
    from mmengine.model import is_model_wrapper

    return is_model_wrapper(model)
