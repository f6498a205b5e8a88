"""A hypodense tumour inside the pancreas, as pancreatic adenocarcinoma looks in venous CT."""

import numpy as np

__all__ = ['paint_tumour']


def paint_tumour(
    rng: np.random.Generator,
    hu: np.ndarray,
    pancreas: np.ndarray,
    spacing: tuple,
    radius_mm: tuple = (5.0, 9.0),
    contrast_hu: tuple = (35.0, 60.0),
) -> np.ndarray:
    """Darken an ellipsoid inside the pancreas; returns the tumour mask.

    Args:
        rng: Draws the centre (a pancreas voxel), the radii and the contrast.
        hu (X, Y, Z): Hounsfield units, changed in place.
        pancreas (X, Y, Z): The pancreas mask; the tumour stays inside it.
        spacing: Voxel size in mm along X, Y, Z.
        radius_mm: Range of the ellipsoid's semi-axes.
        contrast_hu: Range of how much darker than the pancreas the tumour is.

    Returns:
        ``(X, Y, Z)`` bool, the tumour (empty when the pancreas is).
    """
    from scipy.ndimage import gaussian_filter

    voxels = np.argwhere(pancreas)
    if voxels.size == 0:
        return np.zeros_like(pancreas, bool)
    centre = voxels[rng.integers(len(voxels))]
    radii = rng.uniform(*radius_mm, size=3)
    grid = np.ogrid[tuple(slice(0, n) for n in hu.shape)]
    distance = sum(((g - c) * s / r) ** 2 for g, c, s, r in zip(grid, centre, spacing, radii))
    tumour = (distance < 1.0) & pancreas
    # partial volume: the darkening fades over about a voxel at the edge
    fade = gaussian_filter(tumour.astype(np.float32), sigma=(0.7, 0.7, 0.3))
    hu -= (rng.uniform(*contrast_hu) * fade).astype(hu.dtype)
    return tumour
