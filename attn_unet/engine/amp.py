"""Mixed precision on any device: bf16 without a loss scaler where the device has it.

mmengine's ``AmpOptimWrapper`` refuses machines without an accelerator, and on CUDA it
builds a ``GradScaler`` whatever the dtype: with bf16 that is an unscale pass and a host
sync every step for nothing, since bf16 has fp32's exponent range. ``AutoAmpOptimWrapper``
(what ``tools/train.py --amp`` names) builds the wrapper for the device the run trains on:

- ``dtype=None`` (``tools/train.py --amp``): bf16 on a CUDA card that has it (Ampere and
  newer) and on the CPU, fp16 on other accelerators;
- ``dtype='bfloat16'``: bf16, no loss scaler (refused on a CUDA card without bf16);
- ``dtype='float16'``: fp16 with mmengine's dynamic loss scaling (accelerators only).

Only the fp16 path (mmengine's ``AmpOptimWrapper``) has a ``loss_scaler``, so the divergence
guard's skipped-step allowance applies only there; bf16 gets an :class:`AutocastOptimWrapper`.
bf16 on a CPU without AVX512-BF16 or AMX is slower than fp32: a warning says so.
"""

import warnings
from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.device import get_device
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from attn_unet.errors import ConfigValueError
from attn_unet.models.utils import cpu_has_native_bf16
from attn_unet.registry import OPTIM_WRAPPERS

__all__ = ['AutoAmpOptimWrapper', 'AutocastOptimWrapper', 'amp_dtype']

SLOW_BF16_WARNING = (
    '--amp on a CPU without AVX512-BF16 or AMX: bf16 autocast is likely slower than fp32 here; '
    'train without --amp, or compare with benchmarks/bench_attn_vs_unet.py --options amp'
)
DTYPES = {'bfloat16': torch.bfloat16, 'float16': torch.float16}


def _device_has_bf16(device: str) -> bool:
    if device == 'cuda':
        return torch.cuda.is_bf16_supported()
    return device == 'cpu'


def amp_dtype(dtype, device: str) -> torch.dtype:
    """The autocast dtype for ``dtype`` (None, a name or a torch dtype) on ``device``.

    Raises:
        ConfigValueError: an unknown dtype, fp16 on the CPU, or bf16 on a card without it.
    """
    if dtype is None:
        return torch.bfloat16 if _device_has_bf16(device) else torch.float16
    if isinstance(dtype, str):
        if dtype not in DTYPES:
            raise ConfigValueError(
                f'optim_wrapper.dtype={dtype!r}: pass bfloat16, float16, or None (by device)'
            )
        dtype = DTYPES[dtype]
    if dtype == torch.float16 and device == 'cpu':
        raise ConfigValueError(
            'optim_wrapper.dtype=float16 on the CPU: CPU autocast runs bfloat16 only; pass '
            'bfloat16 or None'
        )
    if dtype == torch.bfloat16 and not _device_has_bf16(device):
        raise ConfigValueError(
            f'optim_wrapper.dtype=bfloat16, but this {device} device has no bf16 (before '
            'Ampere): pass float16 (dynamic loss scaling) or None'
        )
    if dtype not in DTYPES.values():
        raise ConfigValueError(f'optim_wrapper.dtype={dtype}: pass bfloat16, float16 or None')
    return dtype


class AutocastOptimWrapper(OptimWrapper):
    """mmengine's ``OptimWrapper`` under autocast to ``dtype``, with no loss scaler (bf16).

    Args:
        dtype: the autocast dtype (``torch.bfloat16``).
        device_type: ``'cuda'`` or ``'cpu'``.
        **kwargs: passed to :class:`~mmengine.optim.OptimWrapper`.
    """

    def __init__(self, dtype: torch.dtype, device_type: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cast_dtype = dtype
        self.device_type = device_type
        self.loss_scaler = None

    def load_state_dict(self, state_dict: dict) -> None:
        state_dict.pop('loss_scaler', None)  # a checkpoint of an fp16 run
        super().load_state_dict(state_dict)

    @contextmanager
    def optim_context(self, model: nn.Module):
        """Gradient-accumulation context plus autocast to :attr:`cast_dtype`."""
        with super().optim_context(model), torch.autocast(self.device_type, self.cast_dtype):
            yield


@OPTIM_WRAPPERS.register_module(name='AutoAmpOptimWrapper')
def AutoAmpOptimWrapper(loss_scale='dynamic', dtype=None, use_fsdp=False, **kwargs) -> OptimWrapper:  # noqa: N802
    """The mixed-precision wrapper for this device: see the module doc.

    Args:
        loss_scale: as ``AmpOptimWrapper``, for fp16 only.
        dtype: ``None`` (by device), ``'bfloat16'`` or ``'float16'``.
        use_fsdp: as ``AmpOptimWrapper``, for fp16 only.
        **kwargs: passed to :class:`~mmengine.optim.OptimWrapper`.

    Returns:
        mmengine's ``AmpOptimWrapper`` for fp16, else an :class:`AutocastOptimWrapper`.

    Raises:
        ConfigValueError: a dtype the device cannot run.
    """
    device_type = get_device()
    cast_dtype = amp_dtype(dtype, device_type)
    if cast_dtype == torch.float16:
        return AmpOptimWrapper(loss_scale=loss_scale, dtype='float16', use_fsdp=use_fsdp, **kwargs)
    if device_type == 'cpu' and not cpu_has_native_bf16():
        warnings.warn(SLOW_BF16_WARNING, RuntimeWarning, stacklevel=2)
    return AutocastOptimWrapper(cast_dtype, device_type, **kwargs)
