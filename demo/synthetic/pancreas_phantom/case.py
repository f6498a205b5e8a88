"""One pancreas phantom case: the abdominal CT phantom cut to the pancreas, with its tumour."""

import numpy as np

from ..ct_phantom import render_ct_case
from .tumour import paint_tumour

__all__ = ['LABELS', 'STORED_ORDERS', 'render_pancreas_case', 'stored_as', 't2_like']

LABELS = {0: 'background', 1: 'pancreas', 2: 'cancer'}
PANCREAS_BTCV = 11
# Voxel orders the cases are stored in, in turn: as rendered (PRS), as DICOM (LPS), permuted.
STORED_ORDERS = ('PRS', 'LPS', 'SAR')
# The rendered 192 x 192 x 48 grid is cut to this box around the pancreas (X, Y, Z).
RENDER_SIZE, RENDER_SLICES = (192, 192), 48
CROP = (slice(32, 160), slice(32, 160), slice(8, 36))


def render_pancreas_case(
    rng: np.random.Generator, with_tumour: bool = True, noise_hu: float = 14.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Render one case.

    Args:
        rng: Every random choice of the case.
        with_tumour: Paint a tumour (else the case has pancreas only).
        noise_hu: Image noise.

    Returns:
        ``(hu, label, affine, tumour)``: ``hu (X, Y, Z)`` int16, ``label (X, Y, Z)`` uint8
        (0 background, 1 pancreas, 2 cancer), ``affine (4, 4)`` voxel -> RAS mm (voxel order
        ``PRS``; 1.875 mm in-plane, 3.96 mm slices), ``tumour`` the cancer mask.
    """
    hu, btcv, affine = render_ct_case(rng, RENDER_SIZE, RENDER_SLICES, noise_hu=noise_hu)
    hu, btcv = hu[CROP].astype(np.float32), btcv[CROP]
    start = np.array([s.start for s in CROP] + [1])
    affine = affine.copy()
    affine[:, 3] = affine @ start
    spacing = tuple(np.sqrt((affine[:3, :3] ** 2).sum(axis=0)))
    pancreas = btcv == PANCREAS_BTCV
    tumour = paint_tumour(rng, hu, pancreas, spacing) if with_tumour else np.zeros_like(pancreas)
    label = np.zeros(hu.shape, np.uint8)
    label[pancreas] = 1
    label[tumour] = 2
    return np.round(hu).clip(-1024, 3071).astype(np.int16), label, affine, tumour


def t2_like(rng: np.random.Generator, hu: np.ndarray, tumour: np.ndarray) -> np.ndarray:
    """A second, MRI-like channel of the same anatomy: no absolute scale, the tumour bright.

    Signal rises with tissue density in the abdomen's range, air is dark, the tumour is
    hyperintense; each case gets its own gain, as MRI scanners do, so only a per-volume
    z-score makes two cases comparable. Returns ``(X, Y, Z)`` float32.
    """
    from scipy.ndimage import gaussian_filter

    gain = rng.uniform(0.5, 2.0)
    signal = 300.0 + 1.6 * np.clip(hu.astype(np.float32), -150, 250)
    signal[hu < -500] = 10.0
    signal += 250.0 * gaussian_filter(tumour.astype(np.float32), sigma=(0.7, 0.7, 0.3))
    signal += rng.normal(0.0, 15.0, hu.shape)
    return (gain * signal).astype(np.float32)


def stored_as(volume: np.ndarray, affine: np.ndarray, axcodes: str) -> tuple:
    """``(volume, affine)`` re-stored in voxel order ``axcodes``; every voxel keeps its place."""
    import nibabel as nib
    from nibabel.orientations import apply_orientation, axcodes2ornt, inv_ornt_aff, ornt_transform

    change = ornt_transform(nib.io_orientation(affine), axcodes2ornt(tuple(axcodes)))
    return apply_orientation(volume, change), affine @ inv_ornt_aff(change, volume.shape)
