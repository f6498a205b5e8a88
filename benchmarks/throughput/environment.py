"""What a throughput figure was measured on: device, versions, precision, memory format."""

import platform

import torch

__all__ = ['describe_environment', 'sync']


def sync(device: str) -> None:
    """Wait for the device's queued work (a no-op on the CPU)."""
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def describe_environment(device: str, precision: str, memory_format: str) -> dict:
    """The machine and software a result belongs to."""
    info = dict(
        device=device,
        device_name=platform.processor() or platform.machine(),
        cpu_threads=torch.get_num_threads(),
        torch=torch.__version__,
        cuda=torch.version.cuda,
        cudnn=torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None,
        precision=precision,
        memory_format=memory_format,
    )
    if device.startswith('cuda'):
        info['device_name'] = torch.cuda.get_device_name()
    return info
