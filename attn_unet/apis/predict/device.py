"""``--device``: where the model runs. ``auto`` (the default) takes the GPU when there is one.

nnU-Net and TotalSegmentator predict on the GPU when one is present; so does ``auto`` here:
CUDA when torch sees a device (onnxruntime: when its CUDA execution provider is installed),
else the CPU, and the run's first line says which and why. ``cpu``, ``cuda`` and ``cuda:N``
choose; an explicit ``cuda`` without a device is refused in one line instead of falling
back. The rules are pure functions of what the backend sees (torch's CUDA devices,
onnxruntime's execution providers), which each backend passes in.
"""

import re

from attn_unet.errors import ToolError

__all__ = ['DEVICES_HELP', 'check_device_name', 'onnx_providers', 'torch_device']

DEVICES_HELP = 'auto (default: CUDA when available, else CPU), cpu, cuda or cuda:N'
_NAME = re.compile(r'^(auto|cpu|cuda(:\d+)?)$')


def check_device_name(device: str) -> None:
    """Refuse a ``--device`` that is none of :data:`DEVICES_HELP`, in one line."""
    if not _NAME.match(device):
        raise ToolError(f'--device {device}: pass {DEVICES_HELP}')


def torch_device(device: str, available: bool, count: int) -> tuple[str, str]:
    """``(torch device, the line that says it)`` for ``--device`` on the pytorch backend.

    Args:
        device: the ``--device`` value.
        available: ``torch.cuda.is_available()``.
        count: ``torch.cuda.device_count()``.

    Raises:
        ToolError: a bad name; ``cuda`` (or ``cuda:N``) without that CUDA device.
    """
    check_device_name(device)
    if device == 'auto':
        if available:
            return 'cuda', 'device: cuda (--device auto: a CUDA device is available)'
        return 'cpu', 'device: cpu (--device auto: torch sees no CUDA device)'
    if device.startswith('cuda'):
        index = int(device.partition(':')[2] or 0)
        count = count if available else 0
        if index >= count:
            raise ToolError(
                f'--device {device}: torch sees {count} CUDA device(s) '
                f'(torch.cuda.is_available() is {available}): pass --device cpu, or auto'
            )
    return device, f'device: {device}'


def onnx_providers(device: str, available: list) -> tuple[list, str]:
    """``(execution providers, the line that says it)`` for ``--device`` on onnxruntime.

    Args:
        device: the ``--device`` value.
        available: ``onnxruntime.get_available_providers()``.

    Raises:
        ToolError: a bad name; ``cuda`` without the CUDA execution provider
            (onnxruntime-gpu); ``cuda:N`` (onnxruntime takes the device through its options).
    """
    check_device_name(device)
    cuda = 'CUDAExecutionProvider' in available
    if device == 'auto':
        if cuda:
            return (
                ['CUDAExecutionProvider', 'CPUExecutionProvider'],
                'device: cuda (--device auto: onnxruntime has its CUDA execution provider)',
            )
        return ['CPUExecutionProvider'], ('device: cpu (--device auto: onnxruntime has no CUDA '
                                          'execution provider)')  # fmt: skip
    if device == 'cpu':
        return ['CPUExecutionProvider'], 'device: cpu'
    if device != 'cuda':
        raise ToolError(f'--device {device} with --backend onnxruntime: pass cuda, cpu or auto '
                        '(onnxruntime runs on its first CUDA device)')  # fmt: skip
    if not cuda:
        raise ToolError(
            '--device cuda with --backend onnxruntime needs its CUDA execution provider, which '
            f'this onnxruntime lacks (it has {", ".join(available)}): pip install onnxruntime-gpu, '
            'or pass --device cpu'
        )
    return ['CUDAExecutionProvider', 'CPUExecutionProvider'], 'device: cuda'
