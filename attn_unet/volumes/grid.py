"""One rule for "these volumes lie on one grid": the same shape, affines a micrometre apart.

An image and its label, or the channel files of a case, must lie on one voxel grid to be used
together. Rounding in a header moves an affine by far less than a micrometre, so two affines
whose entries differ by at most :data:`GRID_TOLERANCE_MM` are one grid; anything more is
another grid (a label drawn elsewhere, a channel not co-registered).
"""

import numpy as np

__all__ = ['GRID_TOLERANCE_MM', 'affine_distance', 'grid_mismatch']

GRID_TOLERANCE_MM = 1e-3


def affine_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The largest difference between two ``(4, 4)`` affines' entries (mm for the offsets)."""
    return float(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)).max())


def grid_mismatch(shape_a: tuple, affine_a, shape_b: tuple, affine_b) -> str | None:
    """None when the two grids are one, else how they differ (for a message).

    Args:
        shape_a, shape_b: the spatial shapes ``(X, Y, Z)``.
        affine_a, affine_b: the voxel -> world matrices.
    """
    if tuple(shape_a[:3]) != tuple(shape_b[:3]):
        return f'different shapes ({tuple(shape_a[:3])} and {tuple(shape_b[:3])})'
    distance = affine_distance(affine_a, affine_b)
    if distance > GRID_TOLERANCE_MM:
        return f'different affines (up to {distance:.3g} mm apart)'
    return None
