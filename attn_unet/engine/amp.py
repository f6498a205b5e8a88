"""Mixed precision that also runs on CPU.

mmengine's ``AmpOptimWrapper`` refuses machines without an accelerator.
:class:`AutoAmpOptimWrapper` behaves exactly like it on CUDA (fp16 autocast,
dynamic loss scaling by default) and on CPU autocasts to bfloat16, which has
fp32's exponent range and so needs no loss scaling. bf16 is only fast on CPUs
with AVX512-BF16 or AMX; on others a warning says so when the wrapper is built.
"""

import warnings
from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.device import is_cuda_available, is_mlu_available, is_npu_available
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from attn_unet.registry import OPTIM_WRAPPERS

__all__ = ['AutoAmpOptimWrapper', 'cpu_has_native_bf16']

SLOW_BF16_WARNING = (
    '--amp on a CPU without AVX512-BF16 or AMX: bf16 autocast is likely slower than fp32 here; '
    'train without --amp, or compare with benchmarks/bench_attn_vs_unet.py --options amp'
)


def _has_accelerator() -> bool:
    return is_cuda_available() or is_npu_available() or is_mlu_available()


def cpu_has_native_bf16() -> bool:
    """Whether this CPU has bf16 instructions that torch's kernels use (AVX512-BF16 or AMX)."""
    probes = ('_is_avx512_bf16_supported', '_is_amx_tile_supported')
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


@OPTIM_WRAPPERS.register_module()
class AutoAmpOptimWrapper(AmpOptimWrapper):
    """``AmpOptimWrapper`` on accelerators; bf16 autocast without scaling on CPU.

    Args:
        loss_scale: as ``AmpOptimWrapper`` (accelerators only; ignored on CPU).
        dtype: autocast dtype; None picks fp16 on accelerators and bfloat16
            on CPU. fp16 on CPU is refused.
        **kwargs: passed to :class:`~mmengine.optim.OptimWrapper`.
    """

    def __init__(self, loss_scale='dynamic', dtype=None, use_fsdp=False, **kwargs):
        self.on_cpu = not _has_accelerator()
        if not self.on_cpu:
            super().__init__(loss_scale=loss_scale, dtype=dtype, use_fsdp=use_fsdp, **kwargs)
            return
        OptimWrapper.__init__(self, **kwargs)
        if isinstance(dtype, str):
            dtype = getattr(torch, dtype)
        if dtype not in (None, torch.bfloat16):
            raise ValueError(f'CPU autocast supports bfloat16 only, got dtype={dtype}')
        self.cast_dtype = torch.bfloat16
        self.loss_scaler = None
        if not cpu_has_native_bf16():
            warnings.warn(SLOW_BF16_WARNING, RuntimeWarning, stacklevel=2)

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        if self.on_cpu:
            return OptimWrapper.backward(self, loss, **kwargs)
        return super().backward(loss, **kwargs)

    def step(self, **kwargs) -> None:
        if self.on_cpu:
            return OptimWrapper.step(self, **kwargs)
        return super().step(**kwargs)

    def state_dict(self) -> dict:
        if self.on_cpu:
            return OptimWrapper.state_dict(self)
        return super().state_dict()

    def load_state_dict(self, state_dict: dict) -> None:
        if self.on_cpu:
            state_dict.pop('loss_scaler', None)
            return OptimWrapper.load_state_dict(self, state_dict)
        return super().load_state_dict(state_dict)

    @contextmanager
    def optim_context(self, model: nn.Module):
        """Gradient-accumulation context plus autocast (bf16 on CPU)."""
        if not self.on_cpu:
            with super().optim_context(model):
                yield
            return
        with OptimWrapper.optim_context(self, model), torch.autocast('cpu', dtype=self.cast_dtype):
            yield
