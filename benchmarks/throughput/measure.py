"""The four measurements: the real loop, the step alone, the loader, whole-image inference."""

import copy
import time

import numpy as np
import torch
from mmengine.config import Config

from .environment import sync
from .loop_timers import LoopTimers

__all__ = ['loader_rates', 'peak_memory_mib', 'run_loop', 'time_inference', 'time_step_alone']


def peak_memory_mib(device: str) -> float | None:
    """``max_memory_allocated`` since the last reset, in MiB (None on the CPU)."""
    return torch.cuda.max_memory_allocated() / 2**20 if device.startswith('cuda') else None


def run_loop(cfg: Config, device: str, warmup: int):
    """Train with the real runner and hooks for ``cfg.train_cfg.max_iters`` iterations.

    Returns:
        ``(runner, timers)``: the runner after training, and the :class:`LoopTimers`.
    """
    from attn_unet.engine import AttnUNetRunner

    runner = AttnUNetRunner.from_cfg(cfg)
    timers = LoopTimers(device, warmup)
    timers.install(runner)
    runner.train()
    return runner, timers


def time_step_alone(runner, device: str, steps: int, warmup: int = 2) -> dict:
    """``model.train_step`` on one batch again and again: what the device can do per step.

    The peak memory is measured after the warm-up (cuDNN's autotuning peaks excluded).
    """
    batch = next(runner.train_loop.dataloader_iterator)
    model, optim_wrapper = runner.model, runner.optim_wrapper
    for _ in range(warmup):
        model.train_step(batch, optim_wrapper)
    sync(device)
    if device.startswith('cuda'):
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    for _ in range(steps):
        model.train_step(batch, optim_wrapper)
    sync(device)
    step_ms = 1000 * (time.perf_counter() - start) / steps
    return dict(
        step_ms=step_ms,
        images_per_s=len(batch['inputs']) * 1000 / step_ms,
        peak_memory_mib=peak_memory_mib(device),
    )


def loader_rates(cfg: Config, workers: list, batches: int) -> list:
    """Samples per second the training loader delivers with each worker count, model-free."""
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner

    init_default_scope(cfg.get('default_scope', 'mmseg'))
    rates = []
    for count in workers:
        loader_cfg = copy.deepcopy(cfg.train_dataloader)
        loader_cfg.update(num_workers=count, persistent_workers=False)
        loader = Runner.build_dataloader(loader_cfg, seed=0)
        iterator = iter(loader)
        next(iterator)  # workers started and their first batch made
        start = time.perf_counter()
        for _ in range(batches):
            next(iterator)
        seconds = time.perf_counter() - start
        samples = batches * loader_cfg.batch_size
        rates.append(dict(workers=count, samples_per_s=samples / seconds,
                          per_worker=samples / seconds / max(count, 1)))  # fmt: skip
        del iterator
    return rates


def _scene_batches(cfg: Config, device: str, count: int):
    """The test pipeline's batches (one image each) of the first ``count`` val scenes."""
    from mmengine.dataset import Compose, pseudo_collate
    from mmengine.registry import init_default_scope
    from mmseg.registry import DATASETS

    init_default_scope(cfg.get('default_scope', 'mmseg'))
    dataset = DATASETS.build(dict(cfg.test_dataloader.dataset, pipeline=[]))
    pipeline = Compose(cfg.test_dataloader.dataset.pipeline)
    return [pseudo_collate([pipeline(dataset.get_data_info(i))]) for i in range(count)]


def _predict(model, batch, dtype):
    data = model.data_preprocessor(batch, False)
    context = torch.autocast(data['inputs'].device.type, dtype=dtype, enabled=dtype is not None)
    with torch.no_grad(), context:
        logits = model.inference(data['inputs'], [s.metainfo for s in data['data_samples']])
    return logits.float().cpu(), data['data_samples'][0].gt_sem_seg.data.cpu()


def _miou(pairs, num_classes: int, ignore_index: int = 255) -> float:
    confusion = np.zeros((num_classes, num_classes), dtype=np.int64)
    for logits, label in pairs:
        pred = logits.argmax(1)
        keep = label != ignore_index
        index = label[keep].long() * num_classes + pred[keep].long()
        confusion += np.bincount(index.numpy(), minlength=num_classes**2).reshape(
            num_classes, num_classes
        )
    union = confusion.sum(0) + confusion.sum(1) - np.diag(confusion)
    present = union > 0
    return float(100 * (np.diag(confusion)[present] / union[present]).mean())


def time_inference(cfg: Config, device: str, images: int, repeats: int, checkpoint=None) -> dict:
    """Whole-image inference, batch 1, fp32 against the fast path, on the same scenes.

    The fast path (``tools/test.py --fast``): BatchNorm folded, channels-last, bf16 autocast
    where the device has fast bf16. Reported: images/s of both, the share of pixels whose
    class agrees, the near ties (pixels whose fp32 top-two margin is within twice that
    pixel's logit difference: rounding decides them, differently on other processors) and
    the decisive disagreements (any other flip: a fault, never rounding), and both mIoU
    against the scenes' labels.
    """
    from mmengine.model import revert_sync_batchnorm
    from mmengine.runner.checkpoint import load_checkpoint
    from mmseg.registry import MODELS

    from attn_unet.deployment import class_agreement, pixel_differences
    from attn_unet.models.utils import (
        apply_memory_format,
        fast_inference_dtype,
        prepare_fast_inference,
    )

    batches = _scene_batches(cfg, device, images)
    model = revert_sync_batchnorm(MODELS.build(cfg.model)).to(device).eval()
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu')
    fast = copy.deepcopy(model)
    folded = prepare_fast_inference(fast)
    apply_memory_format(fast, 'channels_last')
    dtype = fast_inference_dtype(torch.device(device).type)
    results = {}
    for name, net, cast in (('fp32', model, None), ('fast', fast, dtype)):
        outputs = [_predict(net, batch, cast) for batch in batches]  # warm-up and the answers
        sync(device)
        start = time.perf_counter()
        for _ in range(repeats):
            for batch in batches:
                _predict(net, batch, cast)
        sync(device)
        seconds = time.perf_counter() - start
        results[name] = dict(images_per_s=repeats * len(batches) / seconds, outputs=outputs)
    classes = [
        class_agreement(a[0], b[0].argmax(1), pixel_differences(a[0], b[0]))
        for a, b in zip(results['fp32']['outputs'], results['fast']['outputs'])
    ]
    pixels = sum(c.pixels for c in classes)
    num_classes = cfg.model.decode_head.num_classes
    return dict(
        image_size=list(batches[0]['inputs'][0].shape[-2:]),
        fp32_images_per_s=results['fp32']['images_per_s'],
        fast_images_per_s=results['fast']['images_per_s'],
        fast_precision='fp32' if dtype is None else 'bf16',
        batch_norms_folded=folded,
        argmax_agreement=float(np.mean([c.agreement for c in classes])),
        near_ties=sum(c.near_ties for c in classes) / pixels,
        decisive_disagreements=sum(c.decisive_disagreements for c in classes),
        fp32_miou=_miou(results['fp32']['outputs'], num_classes),
        fast_miou=_miou(results['fast']['outputs'], num_classes),
    )
