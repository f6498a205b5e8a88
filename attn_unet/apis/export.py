"""Export a trained segmentor to ONNX, checked by onnxruntime at three sizes before it is kept.

What ``tools/deployment/export_onnx.py`` runs. The ONNX model takes the data
preprocessor's output (N, C, H, W) and returns logits (N, out_channels, H, W),
N, H and W dynamic; see :mod:`attn_unet.deployment.onnx_export`.
"""

import math
import os
import os.path as osp
from collections.abc import Callable, Sequence

from attn_unet.deployment import (
    DEFAULT_TOLERANCE,
    LogitCheck,
    OnnxSegmentor,
    compare_logits,
    export_onnx_model,
    require,
)
from attn_unet.errors import InputSizeError, ToolError
from attn_unet.fileio import atomic_write
from attn_unet.models import backbone_downsample_rate

from .config import load_config
from .model_card import model_card
from .segmentor import load_segmentor

__all__ = ['default_verify_shapes', 'export_onnx']


def export_onnx(
    config: str,
    checkpoint: str,
    out: str,
    shape: tuple[int, int] | None = None,
    batch_size: int = 1,
    verify_shapes: Sequence[tuple[int, int]] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    overwrite: bool = False,
    cfg_options: dict | None = None,
    log: Callable[[str], None] = print,
) -> list[LogitCheck]:
    """Export, check with onnxruntime against torch, and only then write ``out``.

    The model is written to its hidden partial name beside ``out``, run by
    onnxruntime at the export shape (batch ``batch_size``) and at each verify
    shape (batch ``batch_size + 1``, so the batch axis is exercised too), and
    renamed to ``out`` when every size passes.

    Args:
        config: config file.
        checkpoint: checkpoint of that config.
        out: the ``.onnx`` file to write.
        shape: (H, W) traced at. Default: the config's
            ``model.data_preprocessor.size`` (its crop size).
        batch_size: N traced at.
        verify_shapes: (H, W) sizes to check besides ``shape``. Default
            :func:`default_verify_shapes`.
        tolerance: relative tolerance of the logits (see
            :mod:`attn_unet.deployment.verification`).
        overwrite: replace an existing ``out``.
        cfg_options: overrides merged into the config.
        log: where the per-size lines go.

    Returns:
        One :class:`LogitCheck` per size, the export shape first.

    Raises:
        DependencyError: onnx or onnxruntime is not installed.
        InputSizeError: a size not divisible by the backbone's downsample rate.
        CheckpointError: a missing checkpoint, or one of another model.
        ToolError: an ``out`` that exists (without ``overwrite``) or cannot be
            written, bad numbers, or logits beyond the tolerance.
    """
    onnx = require('onnx')
    require('onnxruntime')
    if not (tolerance > 0 and math.isfinite(tolerance)):
        raise ToolError(f'--tolerance {tolerance}: pass a positive number (default 1e-4)')
    if batch_size < 1:
        raise ToolError(f'--batch-size {batch_size}: pass at least 1')
    _check_out(out, overwrite)
    cfg = load_config(config, cfg_options)
    rate = backbone_downsample_rate(cfg.model) or 1
    shape = tuple(shape) if shape else _config_shape(cfg)
    verify_shapes = [tuple(s) for s in verify_shapes] if verify_shapes else None
    verify_shapes = verify_shapes or default_verify_shapes(shape, rate)
    _check_divisible('--shape', [shape], rate)
    _check_divisible('--verify-shapes', verify_shapes, rate)

    model = load_segmentor(config, checkpoint, 'cpu', cfg_options)
    card = model_card(model, config, checkpoint)
    proto = export_onnx_model(model, shape, size_divisor=rate, batch_size=batch_size,
                              metadata=card.to_metadata())  # fmt: skip
    with atomic_write(out) as partial:  # removed, whatever fails before it is renamed
        onnx.save(proto, partial)
        backend = OnnxSegmentor(partial)
        checks = []
        for batch, size in [(batch_size, shape)] + [(batch_size + 1, s) for s in verify_shapes]:
            checks.append(_compare(model, backend, batch, size, tolerance, out))
            log(f'onnxruntime vs torch at {checks[-1].describe()}')
        failed = [check for check in checks if not check.passed]
        if failed:
            raise ToolError(
                f'the ONNX export disagrees with torch at {failed[0].describe()} '
                f'({len(failed)} of {len(checks)} sizes failed; tolerance {tolerance:g} x '
                f'max(1, max |logit|)): {out} was not written; pass a larger --tolerance if '
                'that is rounding, else report it with the config'
            )
        _check_out(out, overwrite)
    opset = next(o.version for o in proto.opset_import if o.domain in ('', 'ai.onnx'))
    log(f'ONNX model saved to {out} (opset {opset}, dynamic N, H, W)')
    return checks


def _compare(model, backend, batch_size, shape, tolerance, out) -> LogitCheck:
    """compare_logits, with onnxruntime's failure to run a size as a one-line error."""
    try:
        return compare_logits(model, backend, batch_size, shape, tolerance)
    except ToolError:
        raise
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ToolError(
            f'onnxruntime cannot run the export at {batch_size}x{shape[0]}x{shape[1]} '
            f'({reason}): {out} was not written; report it with the config'
        ) from None


def default_verify_shapes(shape: tuple[int, int], rate: int) -> list[tuple[int, int]]:
    """Two sizes unlike ``shape`` and unlike each other: (H + 2r, W - r), (H - r, W + 3r).

    A side that would drop below ``rate`` grows instead (W + r, H + 3r), so
    every size stays a positive multiple of the rate when ``shape`` is one.
    """
    height, width = shape
    return [
        (height + 2 * rate, width - rate if width > rate else width + rate),
        (height - rate if height > rate else height + 3 * rate, width + 3 * rate),
    ]


def _config_shape(cfg) -> tuple[int, int]:
    size = (cfg.model.get('data_preprocessor') or {}).get('size')
    if not size:
        raise ToolError(
            'the config sets no model.data_preprocessor.size to export at: pass --shape H W'
        )
    return int(size[0]), int(size[1])


def _check_divisible(option: str, sizes: Sequence[tuple[int, int]], rate: int) -> None:
    for height, width in sizes:
        if height < 1 or width < 1 or height % rate or width % rate:
            fix_h, fix_w = (max(rate, round(v / rate) * rate) for v in (height, width))
            raise InputSizeError(
                f'{option} {height}x{width} is not divisible by the backbone downsample rate '
                f'{rate}: use positive multiples of {rate}, e.g. {fix_h}x{fix_w}'
            )


def _check_out(out: str, overwrite: bool) -> None:
    """Refuse an existing ``out`` (unless overwrite) or one that cannot be written."""
    if osp.isdir(out):
        raise ToolError(f'--out {out} is a directory: pass a file name such as model.onnx')
    if osp.exists(out) and not overwrite:
        raise ToolError(f'--out {out} exists: pass --overwrite to replace it, or another --out')
    folder = osp.dirname(osp.abspath(out))
    existing = folder
    while not osp.exists(existing):
        existing = osp.dirname(existing)
    if not osp.isdir(existing):
        raise ToolError(
            f'cannot write --out {out}: {existing} is a file, not a folder; pass a path in a '
            'writable folder'
        )
    probe = osp.join(folder, f'.{osp.basename(out)}.probe-{os.getpid()}')
    try:
        os.makedirs(folder, exist_ok=True)
        with open(probe, 'wb'):
            pass
        os.remove(probe)
    except OSError as exc:
        raise ToolError(
            f'cannot write --out {out} ({exc.strerror or exc}): pass a path in a writable folder'
        ) from None
