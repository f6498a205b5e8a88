"""Postprocessing chosen on cross-validation, as nnU-Net chooses it: the largest piece or all.

Two kinds of step, each nnU-Net's (``determine_postprocessing``), each keeping the largest
26-connected piece (:func:`attn_unet.volumes.keep_largest_components`):

1. the foreground as one mask (every class > 0 together): stray islands of any class go;
2. each class on its own.

They are tried on the out-of-fold predictions of a cross-validation, case by case
(:func:`trial_scores`), and chosen by :func:`choose_postprocessing`: the foreground step is
kept when neither the mean DSC over classes nor any class's mean DSC drops; then, on top of
that choice, a class's step is kept when that class's mean DSC does not drop. DSC is
``2 TP / (2 TP + FP + FN)`` per case, a case whose reference and prediction both lack the
class not counting for it (nnU-Net's ``nanmean``). The choice is a :class:`Postprocessing`,
written as ``postprocessing.json`` and applied by ``tools/predict.py --postprocess auto``.
"""

import math
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import numpy as np

from attn_unet.errors import ToolError
from attn_unet.volumes import CONNECTIVITY, keep_largest_components

__all__ = [
    'CaseTrials',
    'Postprocessing',
    'PostprocessingChoice',
    'choose_postprocessing',
    'dice_per_class',
    'trial_scores',
]

RULE = (
    'nnU-Net: keep the largest 26-connected piece of the foreground when neither the mean DSC '
    'nor any class mean DSC drops; then of each class where its mean DSC does not drop'
)


@dataclass(frozen=True)
class Postprocessing:
    """Which largest-piece steps a label volume gets.

    Attributes:
        foreground: keep the largest piece of the foreground (all classes as one) first.
        classes: the names of the classes of which only the largest piece is kept.
    """

    foreground: bool = False
    classes: Tuple[str, ...] = ()

    @classmethod
    def every_class(cls, class_names: Sequence[str]) -> 'Postprocessing':
        """``--postprocess lcc``: the largest piece of every class but the background."""
        return cls(False, tuple(class_names[1:]))

    @property
    def is_identity(self) -> bool:
        return not self.foreground and not self.classes

    def apply(self, ids: np.ndarray, class_names: Sequence[str]) -> np.ndarray:
        """``ids`` ``(X, Y, Z)`` (class ids in ``class_names`` order) postprocessed.

        Raises:
            ToolError: a class this postprocessing names is not one of ``class_names``.
        """
        if self.is_identity:
            return ids
        return keep_largest_components(ids, self.class_ids(class_names), self.foreground)

    def class_ids(self, class_names: Sequence[str]) -> List[int]:
        names = list(class_names)
        unknown = [c for c in self.classes if c not in names[1:]]
        if unknown:
            raise ToolError(
                f'the postprocessing names class {unknown[0]!r}, which the model does not have '
                f"({', '.join(names[1:])}): use the postprocessing.json of this model's "
                'cross-validation, or --postprocess lcc / none'
            )
        return [names.index(c) for c in self.classes]

    def to_record(self) -> dict:
        return dict(foreground=self.foreground, classes=list(self.classes),
                    connectivity=CONNECTIVITY)  # fmt: skip

    @classmethod
    def from_record(cls, record: dict, where: str) -> 'Postprocessing':
        """The postprocessing ``record`` holds (``postprocessing.json``).

        Raises:
            ToolError: not such a record.
        """
        classes = record.get('classes') if isinstance(record, dict) else None
        foreground = record.get('foreground') if isinstance(record, dict) else None
        if (
            not isinstance(foreground, bool)
            or not isinstance(classes, list)
            or not all(isinstance(c, str) for c in classes)
        ):
            raise ToolError(
                f'{where} is not a postprocessing record ({{"foreground": bool, "classes": '
                '[names]}): run tools/cross_validate.py again to write it'
            )
        return cls(foreground, tuple(classes))

    def describe(self) -> str:
        steps = (['the largest piece of the foreground'] if self.foreground else []) + [
            f'the largest piece of {name}' for name in self.classes
        ]
        return 'keep ' + ', then '.join(steps) if steps else 'none'


@dataclass
class CaseTrials:
    """One case's DSC per class (a fraction, NaN: not counted) under every candidate.

    Attributes:
        none: as predicted, ``(K,)`` for the K classes but the background.
        foreground: after the foreground step.
        each_class: ``(K,)``: class k's DSC after class k's step alone.
        each_class_after_foreground: class k's DSC after the foreground step, then k's.
    """

    none: np.ndarray
    foreground: np.ndarray
    each_class: np.ndarray
    each_class_after_foreground: np.ndarray


def dice_per_class(pred: np.ndarray, ref: np.ndarray, num_classes: int) -> np.ndarray:
    """DSC ``(num_classes - 1,)`` of classes 1.. of one case; NaN where neither holds the class.

    Args:
        pred, ref (X, Y, Z): class ids on one grid.
    """
    out = np.full(num_classes - 1, math.nan)
    for class_id in range(1, num_classes):
        p, r = pred == class_id, ref == class_id
        both, total = int(np.count_nonzero(p & r)), int(np.count_nonzero(p) + np.count_nonzero(r))
        if total:
            out[class_id - 1] = 2 * both / total
    return out


def trial_scores(pred: np.ndarray, ref: np.ndarray, num_classes: int) -> CaseTrials:
    """Every candidate's DSC on one case: the case is read once, the choice made at the end.

    Args:
        pred, ref (X, Y, Z): predicted and reference class ids on one grid (unlabelled
            reference voxels already background in both).
        num_classes: classes including the background.
    """
    classes = range(1, num_classes)
    after_foreground = keep_largest_components(pred, foreground=True)
    each = np.array([
        dice_per_class(keep_largest_components(pred, [c]), ref, num_classes)[c - 1]
        for c in classes
    ])  # fmt: skip
    each_after = np.array([
        dice_per_class(keep_largest_components(after_foreground, [c]), ref, num_classes)[c - 1]
        for c in classes
    ])  # fmt: skip
    return CaseTrials(
        none=dice_per_class(pred, ref, num_classes),
        foreground=dice_per_class(after_foreground, ref, num_classes),
        each_class=each,
        each_class_after_foreground=each_after,
    )


@dataclass
class PostprocessingChoice:
    """What was chosen and the mean DSC (%) per class that chose it.

    Attributes:
        postprocessing: the choice.
        classes: the class names, background first.
        cases: how many cases it was chosen on.
        none, foreground, each_class: mean DSC (%) per class name (None: no case counts)
            as predicted, after the foreground step, after each class's step (on top of the
            foreground choice).
    """

    postprocessing: Postprocessing
    classes: List[str]
    cases: int
    none: Dict[str, float | None] = field(default_factory=dict)
    foreground: Dict[str, float | None] = field(default_factory=dict)
    each_class: Dict[str, float | None] = field(default_factory=dict)

    def to_record(self) -> dict:
        return dict(
            **self.postprocessing.to_record(),
            rule=RULE,
            cases=self.cases,
            mean_dsc_percent=dict(
                none=self.none, foreground=self.foreground, each_class=self.each_class
            ),
        )


def choose_postprocessing(trials: Sequence[CaseTrials], class_names: Sequence[str]):
    """nnU-Net's choice from every case's :func:`trial_scores`; see the module doc.

    Returns:
        :class:`PostprocessingChoice`.

    Raises:
        ValueError: no case.
    """
    if not trials:
        raise ValueError('the postprocessing is chosen on at least one case')
    names = list(class_names[1:])
    none = _means([t.none for t in trials])
    with_foreground = _means([t.foreground for t in trials])
    foreground = _not_lower(_mean(with_foreground), _mean(none)) and all(
        _not_lower(a, b) for a, b in zip(with_foreground, none)
    )
    before = with_foreground if foreground else none
    trial = [t.each_class_after_foreground if foreground else t.each_class for t in trials]
    after = _means(trial)
    kept = tuple(n for n, a, b in zip(names, after, before) if _not_lower(a, b))
    return PostprocessingChoice(
        Postprocessing(foreground, kept),
        list(class_names),
        len(trials),
        none=_percent(names, none),
        foreground=_percent(names, with_foreground),
        each_class=_percent(names, after),
    )


def _means(rows: List[np.ndarray]) -> np.ndarray:
    """Per class, the mean over the cases that count (NaN: none does)."""
    values = np.stack(rows)
    counted = (~np.isnan(values)).sum(axis=0)
    with np.errstate(invalid='ignore', divide='ignore'):
        return np.where(counted > 0, np.nansum(values, axis=0) / np.maximum(counted, 1), np.nan)


def _mean(values: np.ndarray) -> float:
    kept = values[~np.isnan(values)]
    return float(kept.mean()) if kept.size else math.nan


def _not_lower(after: float, before: float) -> bool:
    """Whether a mean did not drop; a class no case counts for (NaN) cannot drop."""
    return math.isnan(before) or math.isnan(after) or after >= before


def _percent(names: List[str], values: np.ndarray) -> Dict[str, float | None]:
    return {n: None if math.isnan(v) else float(100 * v) for n, v in zip(names, values)}
