"""Per-class numbers of one segmented case: volume in millilitres and intensity under the mask.

What a clinician computes first from a label volume: each structure's volume (voxel count
times the voxel's volume) and the mean, median and standard deviation of the scan's
intensity inside it (Hounsfield units for CT). Only the voxel volume matters, so the axis
order of the arrays is free as long as ``labels`` and ``image`` share it and ``spacing``
follows it. The record is plain JSON (``None`` where a class is absent), so it goes into a
case's ``.json`` record and back into :class:`~.statistics_table.StatisticsTable` unchanged.
"""

from typing import Sequence

import numpy as np

__all__ = ['MEASURES', 'case_statistics', 'voxel_volume_ml']

# The per-class measures of a record, in column order.
MEASURES = ('volume_ml', 'mean', 'median', 'std')


def voxel_volume_ml(spacing: Sequence[float]) -> float:
    """The volume of one voxel in millilitres: ``sx * sy * sz`` mm^3 / 1000.

    Raises:
        ValueError: not three finite spacings > 0.
    """
    values = [float(s) for s in spacing]
    if len(values) != 3 or not all(np.isfinite(s) and s > 0 for s in values):
        raise ValueError(f'spacing must be three finite lengths > 0 in mm, got {spacing!r}')
    return values[0] * values[1] * values[2] / 1000.0


def case_statistics(
    labels: np.ndarray,
    image: np.ndarray,
    spacing: Sequence[float],
    classes: Sequence[str],
    background: int | None = 0,
    unit: str | None = None,
) -> dict:
    """Volume and intensity statistics of every class of one case.

    Args:
        labels: integer class ids, 3D (e.g. ``(X, Y, Z)``), id ``i`` meaning ``classes[i]``.
        image: the intensity volume on the same grid and in the same axis order as
            ``labels`` (one channel: the scan in HU for CT). NaN and infinite voxels are left
            out of the intensity measures and counted (``non_finite``), never averaged in.
        spacing: mm between voxel centres along ``labels``' three axes, in their order.
        classes: the class names, indexed by class id.
        background: the id left out of the record (None keeps every class).
        unit: what the intensities are in (``'HU'``), recorded as given.

    Returns:
        ``{'voxel_volume_ml': float, 'intensity_unit': unit, 'classes': {name: {'voxels':
        int, 'volume_ml': float, 'mean': float | None, 'median': float | None, 'std':
        float | None, 'non_finite': int}}}`` in class-id order. ``std`` is the population
        standard deviation (ddof 0); the intensity measures are None for a class with no
        finite voxel under its mask (absent from the case).

    Raises:
        ValueError: shapes that differ, labels that are not integers or hold ids outside
            ``classes``, or a bad spacing.
    """
    labels = np.asarray(labels)
    image = np.asarray(image)
    if labels.ndim != 3 or labels.shape != image.shape:
        raise ValueError(
            f'labels and image must be 3D volumes of one shape, got {labels.shape} and '
            f'{image.shape}'
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f'labels must hold integer class ids, got {labels.dtype}')
    voxel_ml = voxel_volume_ml(spacing)
    low, high = (int(labels.min()), int(labels.max())) if labels.size else (0, 0)
    if low < 0 or high >= len(classes):
        raise ValueError(f'labels hold ids {low}..{high}, and there are {len(classes)} classes')
    wanted = [c for c in range(len(classes)) if c != background]
    counts, by_class = _voxels_by_class(labels, image, background, len(classes))
    record = {}
    for class_id in wanted:
        values = by_class.get(class_id, np.empty(0))
        finite = values[np.isfinite(values)]
        record[str(classes[class_id])] = dict(
            voxels=int(counts[class_id]),
            volume_ml=float(counts[class_id] * voxel_ml),
            mean=float(finite.mean()) if finite.size else None,
            median=float(np.median(finite)) if finite.size else None,
            std=float(finite.std()) if finite.size else None,
            non_finite=int(values.size - finite.size),
        )
    return dict(voxel_volume_ml=voxel_ml, intensity_unit=unit, classes=record)


def _voxels_by_class(labels: np.ndarray, image: np.ndarray, background, num_classes: int):
    """``(voxels per class id, {class id: float64 intensities under its mask})``.

    Only the voxels outside ``background`` are gathered (boolean indexing, so a transposed
    view is not copied whole), counted and sorted by class: a CT volume of 50 M voxels costs
    one comparison, and the rest scales with its (small) foreground. ``np.bincount`` of the
    whole label volume would first widen it to 64-bit integers (400 MB, seconds).
    """
    if background is None:
        ids, values = labels.reshape(-1), image.reshape(-1)
    else:
        foreground = labels != background
        ids, values = labels[foreground], image[foreground]
    counts = np.bincount(ids, minlength=num_classes)
    ends = np.cumsum(counts)
    order = np.argsort(ids, kind='stable')
    values = values[order].astype(np.float64)
    by_class = {c: values[ends[c] - counts[c] : ends[c]] for c in range(num_classes) if counts[c]}
    if background is not None:
        counts[background] = labels.size - ids.size
    return counts, by_class
