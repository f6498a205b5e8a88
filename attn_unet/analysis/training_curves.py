"""Training curves from mmengine's JSON-lines logs (``vis_data/scalars.json``)."""

import json
import os.path as osp
from collections.abc import Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from attn_unet.errors import ToolError  # noqa: E402

__all__ = ['load_scalars', 'plot_curves', 'run_name']

STEP_KEYS = ('step', 'iter', 'epoch')


def load_scalars(path: str) -> dict[str, tuple[list[float], list[float]]]:
    """Read one run's log: {key: (steps, values)}, in file order.

    Both ``vis_data/scalars.json`` and ``<timestamp>.json`` hold one JSON dict
    per line with a ``step`` (or ``iter``/``epoch``) and scalar values; train
    lines carry ``loss``/``lr``, validation lines the metrics (``mIoU``).

    Raises:
        ToolError: the file is missing or a line is not JSON.
    """
    if not osp.isfile(path):
        raise ToolError(f'log {path} not found: pass <work_dir>/<timestamp>/vis_data/scalars.json')
    curves: dict[str, tuple[list[float], list[float]]] = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise ToolError(
                    f'{path}:{number} is not JSON: pass an mmengine JSON-lines log '
                    f'(vis_data/scalars.json)'
                ) from None
            step_key = next((key for key in STEP_KEYS if key in record), None)
            if step_key is None:
                continue
            for key, value in record.items():
                if key not in STEP_KEYS and isinstance(value, (int, float)):
                    steps, values = curves.setdefault(key, ([], []))
                    steps.append(record[step_key])
                    values.append(float(value))
    return curves


def run_name(path: str) -> str:
    """Legend name of a log: its run folder (<work_dir>/<timestamp>/vis_data/x.json)."""
    parts = osp.abspath(path).split(osp.sep)
    if len(parts) >= 4 and parts[-2] == 'vis_data':
        return f'{parts[-4]}/{parts[-3]}'
    return osp.splitext(osp.basename(path))[0]


def plot_curves(
    logs: Sequence[str],
    keys: Sequence[str],
    out_file: str,
    legend: Sequence[str] | None = None,
    title: str | None = None,
) -> list[str]:
    """One subplot per key, one line per run; saves out_file.

    Args:
        logs: JSON-lines log files, one per run.
        keys: scalars to plot, e.g. ('loss', 'lr', 'mIoU').
        out_file: image to write (PNG, PDF, ...).
        legend: a name per log; default: :func:`run_name`.
        title: figure title.

    Returns:
        The plotted (run, key) labels.

    Raises:
        ToolError: legend/log count mismatch, or a key absent from every log.
    """
    if legend is not None and len(legend) != len(logs):
        raise ToolError(
            f'--legend has {len(legend)} names for {len(logs)} logs: give one name per log'
        )
    names = list(legend) if legend is not None else [run_name(log) for log in logs]
    runs = [load_scalars(log) for log in logs]
    for key in keys:
        if not any(key in run for run in runs):
            available = sorted(set().union(*runs))
            raise ToolError(
                f'key {key!r} is in none of the logs; available: {", ".join(available) or "none"}'
            )
    fig, axes = plt.subplots(len(keys), 1, figsize=(8, 3 * len(keys)), squeeze=False)
    plotted = []
    for ax, key in zip(axes[:, 0], keys):
        for name, run in zip(names, runs):
            if key in run:
                steps, values = run[key]
                ax.plot(steps, values, marker='o' if len(steps) < 20 else None, label=name)
                plotted.append(f'{name}: {key}')
        ax.set_xlabel('iter')
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out_file, dpi=100)
    plt.close(fig)
    return plotted
