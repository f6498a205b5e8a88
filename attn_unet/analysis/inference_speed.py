"""Inference throughput of a segmentor (images/s), as mmseg's benchmark tool measures it."""

import os.path as osp
import time

import numpy as np
import torch

from attn_unet.errors import ToolError

__all__ = [
    'dataset_batches',
    'measure_fps',
    'summarize_fps',
    'synthetic_batch',
    'pipeline_image_shape',
]


def synthetic_batch(shape: tuple[int, int], seed: int = 0) -> dict:
    """One random image in ``test_step`` format: inputs [(3, H, W) uint8], data_samples."""
    from mmseg.structures import SegDataSample

    generator = torch.Generator().manual_seed(seed)
    image = torch.randint(0, 256, (3, *shape), dtype=torch.uint8, generator=generator)
    sample = SegDataSample(metainfo=dict(img_shape=tuple(shape), ori_shape=tuple(shape)))
    return dict(inputs=[image], data_samples=[sample])


def pipeline_image_shape(cfg) -> tuple[int, int]:
    """(H, W) the test pipeline resizes to, taking its Resize ``scale`` (W, H) as is."""
    for step in cfg.get('test_pipeline', []):
        if step.get('type') == 'Resize' and step.get('scale'):
            width, height = step['scale']
            return int(height), int(width)
    raise ToolError("the config's test_pipeline has no Resize scale: pass --shape H W")


def dataset_batches(cfg, count: int) -> list[dict] | None:
    """Up to ``count`` single-image batches of the config's test set, or None without data."""
    from mmengine.runner import Runner

    dataset_cfg = cfg.test_dataloader.dataset
    if not osp.isdir(
        osp.join(
            dataset_cfg.get('data_root', ''), dataset_cfg.get('data_prefix', {}).get('img_path', '')
        )
    ):
        return None
    loader_cfg = dict(cfg.test_dataloader, batch_size=1, num_workers=0, persistent_workers=False)
    try:
        loader = Runner.build_dataloader(loader_cfg)
    except Exception:
        return None
    batches = []
    for batch in loader:
        batches.append(batch)
        if len(batches) == count:
            break
    return batches or None


def measure_fps(
    model: torch.nn.Module, batches: list[dict], num_iters: int, warmup: int = 5
) -> float:
    """Images per second of ``model.test_step`` over num_iters batches after warm-up.

    Args:
        model: segmentor in eval mode.
        batches: ``test_step`` inputs, cycled through.
        num_iters: timed iterations, one batch each.
        warmup: untimed iterations first.

    Returns:
        Timed images / timed seconds.
    """
    if num_iters < 1:
        raise ToolError(f'--num-iters {num_iters}: pass at least 1')
    on_cuda = next(model.parameters()).is_cuda
    images, elapsed = 0, 0.0
    with torch.no_grad():
        for i in range(warmup + num_iters):
            batch = batches[i % len(batches)]
            if on_cuda:
                torch.cuda.synchronize()
            start = time.perf_counter()
            model.test_step(batch)
            if on_cuda:
                torch.cuda.synchronize()
            if i >= warmup:
                elapsed += time.perf_counter() - start
                images += len(batch['inputs'])
    return images / elapsed


def summarize_fps(runs: list[float]) -> tuple[float, float]:
    """Mean and standard deviation of several FPS measurements."""
    return float(np.mean(runs)), float(np.std(runs))
