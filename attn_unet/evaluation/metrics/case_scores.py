"""DSC and HD95 of one class in one volume, and what an empty mask scores under each rule.

Both masks non-empty: medpy's ``dc`` and ``hd95`` (HD95 in the unit of ``spacing``: mm
from a NIfTI header, voxels without). When the class is absent from the reference, the
prediction or both, published evaluations differ, so the rule is named:

``'transunet'`` (the Synapse tables: TransUNet's ``calculate_metric_percase``)
    prediction only -> DSC 1, HD95 0; reference only, or neither -> DSC 0, HD95 0.

``'nnunet'`` (nnU-Net v2's evaluator, ``nnunetv2/evaluation/evaluate_predictions.py``,
the usual reading of Decathlon-layout sets)
    neither -> DSC and HD95 are NaN: the case does not count for that class (the means skip
    NaN, as nnU-Net's ``np.nanmean``); exactly one of them -> DSC 0 (``2 TP / (2 TP + FP +
    FN)``) and HD95 the length of the volume's diagonal, the largest distance its grid holds
    (nnU-Net reports no HD95; a missed or invented structure gets the worst finite value, as
    BraTS does with its fixed 373 mm).
"""

import math
from typing import Sequence

import numpy as np

from attn_unet.errors import ToolError

__all__ = ['EMPTY_RULES', 'score_case']

EMPTY_RULES = ('transunet', 'nnunet')


def score_case(
    pred: np.ndarray,
    gt: np.ndarray,
    spacing: Sequence[float] | None = None,
    empty: str = 'transunet',
) -> tuple[float, float]:
    """DSC (a fraction) and HD95 of one class in one case.

    Args:
        pred (Z, H, W): Predicted mask of the class (non-zero = class).
        gt (Z, H, W): Reference mask of the class.
        spacing: Voxel size along (Z, H, W); None measures HD95 in voxels.
        empty: How empty masks score: ``'transunet'`` or ``'nnunet'`` (module doc).

    Returns:
        ``(dsc, hd95)``; NaN for both under ``'nnunet'`` when neither mask holds the class.

    Raises:
        ValueError: an unknown ``empty`` rule.
    """
    if empty not in EMPTY_RULES:
        raise ValueError(f'empty must be one of {EMPTY_RULES}, got {empty!r}')
    pred = pred.astype(bool)
    gt = gt.astype(bool)
    in_pred, in_gt = bool(pred.any()), bool(gt.any())
    if in_pred and in_gt:
        binary = _medpy_binary()
        pred, gt = _crop_to_union(pred, gt)
        return float(binary.dc(pred, gt)), float(binary.hd95(pred, gt, voxelspacing=spacing))
    if empty == 'transunet':
        return (1.0, 0.0) if in_pred else (0.0, 0.0)
    if not in_pred and not in_gt:
        return math.nan, math.nan
    return 0.0, _diagonal(gt.shape, spacing)


def _diagonal(shape: tuple, spacing: Sequence[float] | None) -> float:
    """Length of the volume's diagonal: from the first voxel's centre to the last one's."""
    sizes = spacing if spacing is not None else (1.0,) * len(shape)
    return float(math.sqrt(sum(((n - 1) * s) ** 2 for n, s in zip(shape, sizes))))


def _medpy_binary():
    try:
        from medpy.metric import binary
    except ImportError as exc:
        raise ToolError('the per-volume metrics need medpy: pip install medpy') from exc
    return binary


def _crop_to_union(pred: np.ndarray, gt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both masks cut to the bounding box of their union plus one voxel.

    medpy's surface distances are unchanged: every surface voxel stays inside,
    and the one-voxel margin (where the array has room) keeps the erosion that
    finds the surfaces the same.
    """
    coords = np.nonzero(pred | gt)
    box = tuple(
        slice(max(int(c.min()) - 1, 0), min(int(c.max()) + 2, size))
        for c, size in zip(coords, pred.shape)
    )
    return pred[box], gt[box]
