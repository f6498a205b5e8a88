"""What ``tools/predict.py`` adds to a volume's labels: its statistics and its preview.

The labels and the intensities are the prediction's, in the volume's own voxel order; the
grid is the volume's affine. :mod:`attn_unet.apis.cohort` does the measuring and drawing
from plain arrays; this module hands them the volume's spacing and, for the preview, the
``LPS`` order it draws in.
"""

from typing import Sequence

import numpy as np

from attn_unet.volumes import VoxelOrder, voxel_spacing

from ..cohort import case_statistics, render_preview, write_preview

__all__ = ['class_palette', 'grid_spacing', 'volume_preview', 'volume_statistics']


def grid_spacing(affine: np.ndarray) -> tuple:
    """mm along each stored axis, the last one scaled so that their product is the voxel's
    volume ``|det A|`` (a sheared grid, a tilted series placed as stored, included)."""
    sx, sy, sz = voxel_spacing(affine)
    volume = abs(float(np.linalg.det(np.asarray(affine, dtype=np.float64)[:3, :3])))
    return (sx, sy, volume / (sx * sy) if sx * sy > 0 else sz)


def volume_statistics(
    labels: np.ndarray, image: np.ndarray, affine: np.ndarray, classes: Sequence[str], modality
) -> dict:
    """Per-class volume (ml) and intensity under the mask; HU for CT.

    Args:
        labels: ``(X, Y, Z)`` class ids in the volume's stored order.
        image: ``(X, Y, Z)`` the first channel as read (NaN / inf left out of the measures).
        affine: the volume's ``(4, 4)`` voxel -> world.
        classes: the model's class names (id 0, the background, left out).
        modality: the channel's modality (``'CT'`` -> ``'HU'``).
    """
    unit = 'HU' if str(modality).upper() == 'CT' else None
    return case_statistics(labels, image, grid_spacing(affine), classes, background=0, unit=unit)


def volume_preview(
    path: str,
    labels: np.ndarray,
    image: np.ndarray,
    affine: np.ndarray,
    classes: Sequence[str],
    palette: Sequence[Sequence[int]],
    modality,
    title: str,
    overwrite: bool,
) -> None:
    """Draw the three planes of the volume in ``LPS`` order with its labels; write ``path``."""
    order = VoxelOrder.of(affine, 'LPS')
    preview = render_preview(
        order.to_target(image), order.to_target(labels), order.along_target(voxel_spacing(affine)),
        palette, classes, modality=modality, title=title,
    )  # fmt: skip
    write_preview(path, preview, overwrite=overwrite)


def class_palette(model, count: int) -> list:
    """The model's dataset palette, else ``count`` fixed colours (background black)."""
    meta = getattr(model, 'dataset_meta', None) or {}
    palette = list(meta.get('palette') or [])
    if len(palette) >= count:
        return [tuple(int(v) for v in c[:3]) for c in palette]
    colours = np.random.default_rng(0).integers(40, 256, (count, 3)).tolist()
    colours[0] = [0, 0, 0]
    return [tuple(c) for c in colours]
