"""Mean and spread over seeds, and a Markdown table of per-seed runs."""

import math
from typing import Dict, List, Sequence

from bench_tables import markdown_table

__all__ = ['mean_std', 'runs_table']


def mean_std(values: Sequence[float]) -> tuple:
    """``(mean, sample std)`` of the finite values (std 0 for one value; NaNs for none)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return math.nan, math.nan
    mean = sum(finite) / len(finite)
    if len(finite) == 1:
        return mean, 0.0
    return mean, math.sqrt(sum((v - mean) ** 2 for v in finite) / (len(finite) - 1))


def runs_table(rows: Dict[str, Dict[int, dict]], keys: List[str], digits: int = 1) -> str:
    """A Markdown table: one row per arm, per seed ``key`` values and their mean +- std.

    Args:
        rows: ``{arm: {seed: metrics}}``.
        keys: The metric names to show (``nnunet/mDSC``, ``nnunet/DSC.pancreas``, ...).
    """
    seeds = sorted({s for runs in rows.values() for s in runs})
    header = ['arm', 'metric', *[f'seed {s}' for s in seeds], 'mean +- std']
    table = []
    for arm, runs in rows.items():
        for key in keys:
            values = [runs[s]['metrics'].get(key) if s in runs else None for s in seeds]
            mean, std = mean_std(values)
            cells = ['' if v is None else f'{v:.{digits}f}' for v in values]
            table.append([arm, key, *cells, f'{mean:.{digits}f} +- {std:.{digits}f}'])
    return markdown_table(header, table)
