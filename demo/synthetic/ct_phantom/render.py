"""Render one abdominal CT case: paint its anatomy, blur, add noise, turn it to NIfTI axes."""

import numpy as np

from .anatomy import Anatomy
from .canvas import Canvas
from .scan import ABDOMEN_LENGTH_MM, AIR_HU, FIELD_OF_VIEW_MM

__all__ = ['render_ct_case']


def render_ct_case(
    rng: np.random.Generator,
    size: tuple[int, int] = (256, 256),
    slices: int = 48,
    pancreas_scale: float = 1.0,
    bowel_loops: int = 24,
    noise_hu: float = 14.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Render one abdominal CT case.

    Args:
        rng: Source of every random choice of the case.
        size: In-plane ``(H, W)`` in voxels; the field of view stays 360 mm, so
            the spacing is ``360 / W`` mm.
        slices: Number of axial slices over 190 mm of abdomen.
        pancreas_scale: Multiplies the pancreas thickness (1: head about 26 mm,
            body and tail about 16 mm across).
        bowel_loops: Bowel loops of pancreas-like enhancement to scatter.
        noise_hu: Standard deviation of the image noise.

    Returns:
        ``(hu, label, affine)``: ``hu (X, Y, Z)`` int16 Hounsfield units,
        ``label (X, Y, Z)`` uint8 BTCV ids, ``affine (4, 4)`` voxel -> RAS mm.
    """
    height, width = size
    spacing = FIELD_OF_VIEW_MM / width
    slice_mm = ABDOMEN_LENGTH_MM / slices
    rows = (np.arange(height) - (height - 1) / 2) * spacing
    cols = (np.arange(width) - (width - 1) / 2) * spacing
    canvas = Canvas(
        hu=np.full((slices, height, width), AIR_HU, np.float32),
        label=np.zeros((slices, height, width), np.uint8),
        t=np.linspace(0.0, 1.0, slices)[:, None, None],
        y=rows[None, :, None],
        x=cols[None, None, :],
        spacing=spacing,
        slice_mm=slice_mm,
    )
    anatomy = Anatomy(rng, pancreas_scale)
    anatomy.paint_body(canvas)
    anatomy.paint_bowel(canvas, bowel_loops)
    anatomy.paint_organs(canvas)
    anatomy.paint_vessels(canvas)
    anatomy.paint_skeleton(canvas)

    hu = _blur(canvas.hu, sigma=0.6)  # partial volume at edges
    hu += rng.normal(0.0, noise_hu, hu.shape).astype(np.float32)
    # display frame (Z, rows, cols) -> NIfTI array (X=rows, Y=cols reversed, Z inferior->superior)
    to_nifti = (1, 2, 0)
    hu = np.flip(np.transpose(hu, to_nifti), axis=(1, 2))
    label = np.flip(np.transpose(canvas.label, to_nifti), axis=(1, 2))
    affine = np.array(
        [
            [0.0, spacing, 0.0, -(width - 1) / 2 * spacing],
            [-spacing, 0.0, 0.0, (height - 1) / 2 * spacing],
            [0.0, 0.0, slice_mm, -(slices - 1) * slice_mm],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )
    return np.round(hu).clip(-1024, 3071).astype(np.int16), label.copy(), affine


def _blur(volume: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of ``volume (Z, H, W)`` within each slice (``sigma`` in voxels)."""
    from scipy.ndimage import gaussian_filter

    return gaussian_filter(volume, sigma=(0.0, sigma, sigma))
