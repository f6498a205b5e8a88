"""DSC and HD95 of label volumes on their scan's grid, per case and class, and their summary.

What a cross-validation reports of its out-of-fold predictions, in the shape of nnU-Net's
``summary.json``: every case's DSC (%) and HD95 (mm, from the scan's voxel spacing) per
class (:func:`score_volume`, medpy through :func:`~.metrics.score_case` under nnU-Net's rule
for empty masks: a class in neither volume does not count, in one only scores DSC 0 and the
volume's diagonal), the means per class over the cases that count, and the mean over
classes (:func:`summarise`); :func:`summary_table` prints them.
"""

import math
from dataclasses import dataclass
from typing import Dict, List, Sequence

import numpy as np

from .metrics import score_case

__all__ = ['CaseScore', 'score_volume', 'summarise', 'summary_table']

EMPTY_RULE = 'nnunet'


@dataclass
class CaseScore:
    """One case's scores.

    Attributes:
        case: the case id.
        fold: the fold it was validated in.
        prediction: the predicted label file.
        reference: the reference label file.
        dsc: ``(K,)`` DSC in percent per class but the background (NaN: not counted).
        hd95: ``(K,)`` HD95 in mm.
    """

    case: str
    fold: int
    prediction: str
    reference: str
    dsc: np.ndarray
    hd95: np.ndarray


def score_volume(
    pred: np.ndarray, ref: np.ndarray, num_classes: int, spacing: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """DSC (%) and HD95 (mm) of classes 1.. of one case.

    Args:
        pred, ref (X, Y, Z): class ids on one grid (unlabelled reference voxels already
            background in both).
        num_classes: classes including the background.
        spacing: voxel size along X, Y, Z in mm.

    Returns:
        ``(dsc, hd95)``, each ``(num_classes - 1,)``; NaN where neither holds the class.
    """
    dsc, hd95 = np.full(num_classes - 1, math.nan), np.full(num_classes - 1, math.nan)
    for class_id in range(1, num_classes):
        d, h = score_case(pred == class_id, ref == class_id, spacing, EMPTY_RULE)
        dsc[class_id - 1], hd95[class_id - 1] = 100 * d, h
    return dsc, hd95


def summarise(scores: Sequence[CaseScore], class_names: Sequence[str], **about) -> dict:
    """The summary of every case's scores (JSON types; NaN written as null).

    Args:
        scores: every scored case.
        class_names: the class names, background first.
        about: what else the summary says (dataset, config, folds, ...), first.

    Returns:
        ``{..about, units, empty_rule, classes, mean: {class: {DSC, HD95}},
        foreground_mean: {DSC, HD95}, metric_per_case: [...]}``.
    """
    names = list(class_names[1:])
    dsc = np.stack([s.dsc for s in scores]) if scores else np.zeros((0, len(names)))
    hd95 = np.stack([s.hd95 for s in scores]) if scores else np.zeros((0, len(names)))
    dsc_mean, hd95_mean = _nanmean(dsc), _nanmean(hd95)
    return dict(
        **about,
        units=dict(DSC='%', HD95='mm'),
        empty_rule=(
            'nnunet: a class in neither volume does not count; in one only: DSC 0, HD95 the '
            "volume's diagonal"
        ),
        classes=names,
        cases=len(scores),
        mean={n: dict(DSC=_json(d), HD95=_json(h)) for n, d, h in zip(names, dsc_mean, hd95_mean)},
        foreground_mean=dict(DSC=_json(_mean(dsc_mean)), HD95=_json(_mean(hd95_mean))),
        metric_per_case=[
            dict(
                case=s.case,
                fold=s.fold,
                prediction=s.prediction,
                reference=s.reference,
                metrics={
                    n: dict(DSC=_json(d), HD95=_json(h)) for n, d, h in zip(names, s.dsc, s.hd95)
                },  # fmt: skip
            )
            for s in scores
        ],
    )


def summary_table(summary: dict) -> str:
    """The summary as text: per class and mean, then one row per case."""
    from prettytable import PrettyTable

    names = summary['classes']
    table = PrettyTable(['class', 'DSC (%)', 'HD95 (mm)'])
    for name in names:
        table.add_row([name, *_cells(summary['mean'][name])])
    table.add_row(['mean', *_cells(summary['foreground_mean'])])
    cases = PrettyTable(['case', 'fold'] + [f'{m} {n}' for n in names for m in ('DSC', 'HD95')])
    for row in summary['metric_per_case']:
        cells = [c for n in names for c in _cells(row['metrics'][n])]
        cases.add_row([row['case'], row['fold'], *cells])
    return (
        f'{summary["cases"]} cases, out of fold (DSC %, HD95 mm; nan: class in neither volume)\n'
        f'{table.get_string()}\n{cases.get_string()}'
    )


def _cells(entry: Dict[str, float | None]) -> List[str]:
    return ['nan' if entry[k] is None else f'{entry[k]:.2f}' for k in ('DSC', 'HD95')]


def _nanmean(values: np.ndarray) -> np.ndarray:
    counted = (~np.isnan(values)).sum(axis=0)
    with np.errstate(invalid='ignore', divide='ignore'):
        return np.where(counted > 0, np.nansum(values, axis=0) / np.maximum(counted, 1), np.nan)


def _mean(values: np.ndarray) -> float:
    kept = values[~np.isnan(values)]
    return float(kept.mean()) if kept.size else math.nan


def _json(value: float) -> float | None:
    return None if math.isnan(value) else float(value)
