"""Synthetic batches on a device, and the device-synchronised timing of one step."""

import time
from collections.abc import Callable

import torch

from attn_unet.errors import ToolError

__all__ = ['resolve_device', 'synthetic_inputs', 'timed']


def resolve_device(device: str) -> torch.device:
    """``torch.device(device)``; ToolError when it names CUDA on a machine without it."""
    dev = torch.device(device)
    if dev.type == 'cuda' and not torch.cuda.is_available():
        raise ToolError(f'device {device} requested but CUDA is not available: use --device cpu')
    return dev


def synthetic_inputs(
    batch: int, shape: tuple[int, int], num_classes: int, device: torch.device, channels: int = 3
):
    """Seeded random inputs (B, C, H, W), their SegDataSamples (labels (1, H, W)) and metas."""
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample

    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(batch, channels, *shape, generator=generator).to(device)
    labels = torch.randint(0, num_classes, (batch, 1, *shape), generator=generator).to(device)
    meta = dict(img_shape=shape, ori_shape=shape, pad_shape=shape)
    samples = [SegDataSample(gt_sem_seg=PixelData(data=label), metainfo=meta) for label in labels]
    return inputs, samples, [dict(meta) for _ in range(batch)]


def timed(device: torch.device, fn: Callable[[], None]) -> float:
    """Seconds that fn() takes, with the device synchronised around it."""
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    fn()
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    return time.perf_counter() - start
