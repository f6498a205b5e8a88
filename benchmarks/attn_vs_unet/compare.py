"""Cost of the attention gates: AttentionUNet-S5-D16 against UNet-S5-D16, same heads.

Both models are built from the real configs (SyncBN -> BN) and measured in one
process with their steps interleaved (A B A B ...). A time ratio is the median
of the ratios of neighbouring steps, pair by pair, so drift and a burst of load
from another process move single pairs, not the quoted figure. The
fast-training options (AMP, channels_last, gradient checkpointing) are measured
on AttentionUNet in the same interleaved loop.
"""

from collections.abc import Callable, Sequence

import torch
from mmengine.analysis import get_model_complexity_info

from attn_unet.analysis.complexity import quiet_counter
from attn_unet.analysis.input_sizes import check_model_input_sizes
from attn_unet.errors import ToolError

from .device_steps import resolve_device, synthetic_inputs, timed
from .model_bench import ModelBench
from .result import VariantResult
from .variants import ATTN_CONFIG, MODES, OPTIONS, UNET_CONFIG, variant_config

__all__ = ['compare_models', 'time_steps']


def _count(model: torch.nn.Module, shape: tuple[int, int], device: torch.device) -> tuple:
    """(params, FLOPs of one (1, 3, H, W) image through backbone + decode head)."""
    model.eval()
    inputs = torch.zeros(1, 3, *shape, device=device)
    with torch.no_grad(), quiet_counter():
        info = get_model_complexity_info(model, inputs=inputs, show_table=False, show_arch=False)
    return info['params'], info['flops']


def compare_models(
    sizes: Sequence[tuple[int, int]],
    batch: int = 2,
    repeats: int = 5,
    warmup: int = 2,
    device: str = 'cpu',
    base_channels: int | None = None,
    options: Sequence[str] = OPTIONS,
    attn_config: str = ATTN_CONFIG,
    unet_config: str = UNET_CONFIG,
    modes: Sequence[str] = MODES,
    log: Callable[[str], None] = lambda _: None,
) -> list[VariantResult]:
    """Measure UNet, AttentionUNet and AttentionUNet + each option at each size.

    Args:
        sizes: input (H, W) list; each must be divisible by 16 (by the
            backbone's downsample rate).
        batch: images per train/inference step.
        repeats: timed steps per variant; times are the median.
        warmup: untimed steps per variant first.
        device: 'cpu', 'cuda' or 'cuda:N'.
        base_channels: override of the backbone width (64 in the configs),
            heads scaled alike; for quick runs.
        options: subset of OPTIONS, one extra AttentionUNet row each.
        attn_config, unet_config: config files.
        modes: what to time, a non-empty subset of MODES; peak memory is
            measured with 'train'.
        log: progress callback.

    Returns:
        Results per size: UNet, AttentionUNet, then the option rows.
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ToolError(f'unknown option(s) {unknown}: choose from {", ".join(OPTIONS)}')
    if not modes or set(modes) - set(MODES):
        raise ToolError(f'modes {list(modes)}: choose one or both of {", ".join(MODES)}')
    if repeats < 1 or warmup < 0 or batch < 1:
        raise ToolError('--repeats and --batch must be >= 1 and --warmup >= 0')
    dev = resolve_device(device)
    specs = [('UNet', unet_config, (), None), ('AttentionUNet', attn_config, (), 'UNet')]
    specs += [(f'AttentionUNet+{opt}', attn_config, (opt,), 'AttentionUNet') for opt in options]
    cfgs = {
        name: variant_config(path, base_channels, 'with_cp' in opts)
        for name, path, opts, _ in specs
    }
    check_model_input_sizes(cfgs['UNet'].model, sizes)
    num_classes = cfgs['UNet'].model.decode_head.num_classes
    benches = [ModelBench(name, cfgs[name], dev, opts, ref) for name, _, opts, ref in specs]
    counts = {}
    results = []
    for shape in sizes:
        log(f'size {shape[0]}x{shape[1]}: counting, warming up, timing')
        inputs, samples, metas = synthetic_inputs(batch, shape, num_classes, dev)
        for bench in benches[:2]:
            counts[bench.name] = _count(bench.model, shape, dev)
        size_results = [
            VariantResult(
                shape,
                b.name,
                b.reference,
                *counts.get(b.name, counts['AttentionUNet']),
                batch=batch,
            )
            for b in benches
        ]
        for mode in (m for m in MODES if m in modes):
            steps = [bench.step(mode, inputs, samples, metas) for bench in benches]
            for _ in range(warmup):
                for step in steps:
                    step()
            for _ in range(repeats):
                for step, result in zip(steps, size_results):
                    getattr(result, f'{mode}_times').append(timed(dev, step))
        if 'train' in modes:
            for bench, result in zip(benches, size_results):
                result.peak_bytes = bench.peak_bytes(inputs, samples)
        results += size_results
    return results


def time_steps(
    config: str,
    shape: tuple[int, int],
    steps: int,
    mode: str = 'infer',
    batch: int = 1,
    device: str = 'cpu',
    base_channels: int | None = None,
) -> list[float]:
    """Seconds of each of ``steps`` train or inference steps of one config, no warm-up.

    For timing whole processes from outside (``/usr/bin/time``, hyperfine):
    the same model, inputs and steps as :func:`compare_models`, one model per
    process.

    Args:
        config: config file.
        shape: input (H, W), divisible by the backbone's downsample rate.
        steps: number of steps (0 builds the model only).
        mode: 'train' or 'infer'.
        batch, device, base_channels: as in :func:`compare_models`.
    """
    if mode not in MODES:
        raise ToolError(f'mode {mode!r}: choose one of {", ".join(MODES)}')
    if steps < 0 or batch < 1:
        raise ToolError('--steps must be >= 0 and --batch >= 1')
    cfg = variant_config(config, base_channels)
    check_model_input_sizes(cfg.model, [shape])
    dev = resolve_device(device)
    bench = ModelBench('model', cfg, dev, (), None)
    inputs, samples, metas = synthetic_inputs(batch, shape, cfg.model.decode_head.num_classes, dev)
    step = bench.step(mode, inputs, samples, metas)
    return [timed(dev, step) for _ in range(steps)]
