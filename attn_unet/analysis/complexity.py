"""Parameters and FLOPs of a whole segmentor, as mmseg's get_flops tool reports them."""

import logging
from contextlib import contextmanager

import torch
from mmengine.analysis import FlopAnalyzer, get_model_complexity_info, parameter_count
from mmengine.logging import MMLogger

from attn_unet.apis import build_segmentor

from .input_sizes import check_model_input_sizes

__all__ = ['complexity_table', 'model_complexity', 'quiet_counter']


def model_complexity(cfg, shape: tuple[int, int]) -> dict:
    """Count the inference graph's FLOPs and all the model's parameters.

    Args:
        cfg: mmengine Config of an mmseg segmentor (SyncBN is built as BN).
        shape: (H, W) of one input image.

    Returns:
        dict with ``flops`` (one (1, 3, H, W) image through backbone and decode
        head, multiply-adds counted once as mmengine does), ``params`` (every
        parameter, auxiliary head included), their ``*_str`` forms and
        ``table`` (per-module breakdown).

    Raises:
        InputSizeError: H or W not divisible by the backbone's downsample rate.
    """
    check_model_input_sizes(cfg.model, [shape])
    model = build_segmentor(cfg).eval()
    inputs = torch.zeros(1, cfg.model.backbone.get('in_channels', 3), *shape)
    with torch.no_grad(), quiet_counter():
        info = get_model_complexity_info(model, inputs=inputs, show_table=False, show_arch=False)
        by_module = FlopAnalyzer(model, inputs).unsupported_ops_warnings(False)
        by_module = by_module.uncalled_modules_warnings(False).by_module()
    table = complexity_table(parameter_count(model), by_module)
    return dict(
        flops=info['flops'],
        flops_str=info['flops_str'],
        params=info['params'],
        params_str=info['params_str'],
        table=table,
    )


def complexity_table(params: dict[str, int], flops: dict[str, int], max_depth: int = 2) -> str:
    """Per-module parameters and FLOPs down to max_depth, with shares of the total.

    Args:
        params: {module name: parameter count}, '' for the whole model.
        flops: {module name: FLOPs}, '' for the whole model.
        max_depth: deepest name level shown (backbone.encoder is level 2).
    """
    names = [
        name
        for name in params
        if name and name.count('.') < max_depth and not params[name] == flops.get(name, 0) == 0
    ]
    rows = [('module', 'params', 'params %', 'FLOPs', 'FLOPs %')]
    for name in ['', *names]:
        count, ops = params.get(name, 0), flops.get(name, 0)
        indent = '  ' * (name.count('.') + 1 if name else 0)
        rows.append(
            (
                indent + (name or 'model'),
                f'{count:,}',
                f'{100 * count / params[""]:.2f}',
                f'{ops:,}',
                f'{100 * ops / max(flops[""], 1):.2f}',
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        row[0].ljust(widths[0])
        + ''.join(f'  {cell.rjust(w)}' for cell, w in zip(row[1:], widths[1:]))
        for row in rows
    ]
    lines.insert(1, '-' * len(lines[0]))
    return '\n'.join(lines)


@contextmanager
def quiet_counter():
    """Silence mmengine's per-op 'unsupported operator' warnings while counting."""
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
