"""A picture of one segmented case: three orthogonal planes, labels overlaid, a legend.

To page through a cohort and catch the failures, each case gets one PNG: the axial, coronal
and sagittal planes through the centre of mass of its segmented structures (the volume's
centre when nothing was segmented), the scan windowed for the eye (a CT soft-tissue window,
or percentiles of the volume for other modalities), each class blended in in the dataset's
palette, and a legend of the class names (a class the case lacks is marked absent). The
planes keep physical proportions: one pixel is the same number of millimetres along every
axis, so a 1 x 1 x 5 mm volume's coronal plane is five times as tall per slice as it is wide
per column.

The volumes come in DICOM's patient order ``LPS``: axis 0 runs towards the patient's left,
axis 1 towards posterior, axis 2 towards superior. The planes are shown as radiologists read
them: axial and coronal with the patient's right on the image's left, axial with anterior up,
coronal and sagittal with superior up, sagittal with anterior on the left. A volume stored in
another order is brought into ``LPS`` by whole-voxel permutations and flips first (its axis
codes read from the affine, as nibabel's ``io_orientation`` / ``apply_orientation`` do).
"""

import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, Sequence, Tuple

import numpy as np

from attn_unet.errors import ToolError
from attn_unet.fileio import atomic_write

__all__ = [
    'CT_WINDOW',
    'PERCENTILE_WINDOW',
    'PLANES',
    'Preview',
    'display_planes',
    'intensity_window',
    'render_preview',
    'structure_centre',
    'write_preview',
]

PLANES = ('axial', 'coronal', 'sagittal')
# Abdominal soft tissue: level 40 HU, width 400 HU.
CT_WINDOW = (-160.0, 240.0)
# For other modalities, whose units are arbitrary: these percentiles of the volume.
PERCENTILE_WINDOW = (0.5, 99.5)
OVERLAY_OPACITY = 0.45
CANVAS_RGB = (20, 20, 20)
TEXT_RGB = (235, 235, 235)
MARGIN = 8
SWATCH = 12
FONT_SIZE = 13
# Voxels the percentiles are taken over, at most (a regular subsample beyond).
_PERCENTILE_SAMPLE = 2_000_000

Box = Tuple[int, int, int, int]  # top, left, height, width in pixels


@dataclass
class Preview:
    """A rendered preview and where its parts lie.

    Attributes:
        pixels: ``(H, W, 3)`` uint8 RGB.
        centre: the voxel ``(i, j, k)`` of the ``LPS`` volume the planes pass through.
        mm_per_pixel: millimetres per pixel, the same along every axis of every plane.
        panels: ``{plane: (top, left, height, width)}`` of each plane's picture.
        swatches: ``{class name: (top, left, height, width)}`` of its legend swatch.
        window: the intensities shown black and white.
    """

    pixels: np.ndarray
    centre: Tuple[int, int, int]
    mm_per_pixel: float
    panels: Dict[str, Box] = field(default_factory=dict)
    swatches: Dict[str, Box] = field(default_factory=dict)
    window: Tuple[float, float] = (0.0, 1.0)


def intensity_window(image: np.ndarray, modality: str | None = None) -> Tuple[float, float]:
    """The intensities shown black and white: :data:`CT_WINDOW` for ``'CT'``, else the
    :data:`PERCENTILE_WINDOW` percentiles of ``image``'s finite voxels."""
    if modality is not None and str(modality).strip().upper() == 'CT':
        return CT_WINDOW
    flat = np.asarray(image).reshape(-1)
    step = max(1, flat.size // _PERCENTILE_SAMPLE)
    sample = flat[::step]
    sample = sample[np.isfinite(sample)]
    if not sample.size:
        return (0.0, 1.0)
    low, high = (float(v) for v in np.percentile(sample, PERCENTILE_WINDOW))
    return (low, high if high > low else low + 1.0)


def structure_centre(labels: np.ndarray, background: int | None = 0) -> Tuple[int, int, int]:
    """The voxel nearest the centre of mass of every non-background voxel of ``labels``
    ``(X, Y, Z)``; the volume's centre voxel when there is none."""
    labels = np.asarray(labels)
    mask = labels != background if background is not None else np.ones(labels.shape, bool)
    total = int(np.count_nonzero(mask))
    if not total:
        return tuple(n // 2 for n in labels.shape)
    centre = []
    for axis in range(3):
        others = tuple(a for a in range(3) if a != axis)
        profile = mask.sum(axis=others, dtype=np.int64)
        centre.append(int(round(float((profile * np.arange(profile.size)).sum()) / total)))
    return tuple(centre)


def display_planes(
    volume: np.ndarray, centre: Sequence[int], spacing: Sequence[float]
) -> Dict[str, Tuple[np.ndarray, Tuple[float, float]]]:
    """The three planes of an ``LPS`` volume through ``centre``, oriented for display.

    Args:
        volume: ``(X, Y, Z)`` in ``LPS`` order.
        centre: the voxel ``(i, j, k)`` the planes pass through.
        spacing: mm along X, Y, Z.

    Returns:
        ``{plane: (array (rows, cols), (mm per row, mm per column))}``: axial
        ``(Y, X)``, coronal ``(Z, X)`` and sagittal ``(Z, Y)``, superior at the top.
    """
    i, j, k = (int(c) for c in centre)
    sx, sy, sz = (float(s) for s in spacing)
    return {
        'axial': (volume[:, :, k].T, (sy, sx)),
        'coronal': (volume[:, j, :].T[::-1], (sz, sx)),
        'sagittal': (volume[i, :, :].T[::-1], (sz, sy)),
    }


def render_preview(
    image: np.ndarray,
    labels: np.ndarray,
    spacing: Sequence[float],
    palette: Sequence[Sequence[int]],
    classes: Sequence[str],
    *,
    modality: str | None = None,
    window: Tuple[float, float] | None = None,
    background: int | None = 0,
    title: str | None = None,
    max_side: int = 320,
) -> Preview:
    """Draw the preview of one case.

    Args:
        image: ``(X, Y, Z)`` intensities in ``LPS`` order (HU for CT); one channel.
        labels: ``(X, Y, Z)`` integer class ids on the same grid.
        spacing: mm between voxel centres along X, Y, Z.
        palette: an RGB triple (0-255) per class id.
        classes: the class names, indexed by class id.
        modality: ``'CT'`` shows :data:`CT_WINDOW`; anything else (or None) percentiles.
        window: the intensities shown black and white, overriding ``modality``'s.
        background: the class id drawn without colour (None colours every id).
        title: a line above the planes (the case's name).
        max_side: pixels of the longest physical extent of the volume.

    Returns:
        :class:`Preview`.

    Raises:
        ValueError: shapes that differ or are not 3D, a bad spacing, fewer palette colours
            or class names than the labels' largest id needs.
    """
    from PIL import Image, ImageDraw

    image, labels = np.asarray(image), np.asarray(labels)
    _check_inputs(image, labels, spacing, palette, classes)
    spacing = tuple(float(s) for s in spacing)
    window = tuple(float(w) for w in window) if window is not None else None
    window = window or intensity_window(image, modality)
    centre = structure_centre(labels, background)
    extent = max(n * s for n, s in zip(image.shape, spacing))
    mm_per_pixel = extent / max_side
    grey = display_planes(image, centre, spacing)
    ids = display_planes(labels, centre, spacing)
    font = _font()
    canvas_draw = ImageDraw.Draw(Image.new('RGB', (1, 1)))
    line = _text_size(canvas_draw, 'Ag', font)[1] + 4
    top = MARGIN + (line if title else 0) + line
    pictures, left, panels = {}, MARGIN, {}
    for plane in PLANES:
        plane_image, (row_mm, col_mm) = grey[plane]
        shape = (_pixels(plane_image.shape[0], row_mm, mm_per_pixel),
                 _pixels(plane_image.shape[1], col_mm, mm_per_pixel))  # fmt: skip
        pictures[plane] = _overlay(
            _windowed(plane_image, window, shape), _nearest(ids[plane][0], shape), palette,
            background,
        )  # fmt: skip
        panels[plane] = (top, left, *shape)
        left += shape[1] + MARGIN
    legend = [(c, str(classes[c])) for c in range(len(classes)) if c != background]
    present = set(np.unique(labels).tolist())
    items = [f'{name}' + ('' if c in present else ' (absent)') for c, name in legend]
    width = max(left, MARGIN * 2 + (_text_size(canvas_draw, title, font)[0] if title else 0))
    rows = _legend_rows([_text_size(canvas_draw, t, font)[0] for t in items], width)
    height = top + max(p[2] for p in panels.values()) + MARGIN + rows[-1][0] * line + MARGIN
    height += line if legend else 0
    canvas = np.empty((height, width, 3), np.uint8)
    canvas[:] = CANVAS_RGB
    for plane, (t, lft, h, w) in panels.items():
        canvas[t : t + h, lft : lft + w] = pictures[plane]
    out = Image.fromarray(canvas)
    draw = ImageDraw.Draw(out)
    if title:
        draw.text((MARGIN, MARGIN), title, fill=TEXT_RGB, font=font)
    for plane, (t, lft, _, _) in panels.items():
        draw.text((lft, t - line), plane, fill=TEXT_RGB, font=font)
    legend_top = top + max(p[2] for p in panels.values()) + MARGIN
    swatches = {}
    for (class_id, name), text, (row, x) in zip(legend, items, rows):
        y = legend_top + row * line
        box = (y + (line - SWATCH) // 2, x, SWATCH, SWATCH)
        draw.rectangle(
            (box[1], box[0], box[1] + SWATCH - 1, box[0] + SWATCH - 1),
            fill=tuple(int(v) for v in palette[class_id][:3]),
        )  # fmt: skip
        draw.text((x + SWATCH + 4, y), text, fill=TEXT_RGB, font=font)
        swatches[name] = box
    return Preview(np.asarray(out), centre, mm_per_pixel, panels, swatches, window)


def write_preview(path: str, preview: Preview, overwrite: bool = False) -> None:
    """Write ``preview`` as a PNG, whole or not at all (hidden partial name, fsync, rename).

    Raises:
        ToolError: ``path`` exists and ``overwrite`` is False.
    """
    from PIL import Image

    if osp.exists(path) and not overwrite:
        raise ToolError(f'{path} exists: pass --overwrite to replace it, or another --out-dir')
    with atomic_write(path, unique=True) as partial:
        Image.fromarray(preview.pixels).save(partial, format='PNG')


def _check_inputs(image, labels, spacing, palette, classes) -> None:
    if image.ndim != 3 or image.shape != labels.shape:
        raise ValueError(
            f'image and labels must be 3D volumes of one shape, got {image.shape} and '
            f'{labels.shape}'
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f'labels must hold integer class ids, got {labels.dtype}')
    values = [float(s) for s in spacing]
    if len(values) != 3 or not all(np.isfinite(s) and s > 0 for s in values):
        raise ValueError(f'spacing must be three finite lengths > 0 in mm, got {spacing!r}')
    if not labels.size:
        raise ValueError('image and labels are empty volumes')
    low, high = int(labels.min()), int(labels.max())
    if low < 0 or high >= min(len(palette), len(classes)):
        raise ValueError(
            f'labels hold ids {low}..{high}, and there are {len(classes)} class names and '
            f'{len(palette)} palette colours'
        )


def _pixels(count: int, mm_each: float, mm_per_pixel: float) -> int:
    return max(1, int(round(count * mm_each / mm_per_pixel)))


def _windowed(plane: np.ndarray, window, shape) -> np.ndarray:
    """``plane`` mapped through ``window`` to grey levels and resized to ``shape``: uint8."""
    import cv2

    low, high = window
    grey = np.nan_to_num(plane.astype(np.float32), nan=low, posinf=high, neginf=low)
    grey = np.clip((grey - low) * (255.0 / (high - low)), 0, 255)
    rows, cols = shape
    shrink = rows <= grey.shape[0] and cols <= grey.shape[1]
    grey = cv2.resize(
        np.ascontiguousarray(grey), (cols, rows),
        interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR,
    )  # fmt: skip
    return np.round(grey).astype(np.uint8).reshape(rows, cols)


def _nearest(plane: np.ndarray, shape) -> np.ndarray:
    """``plane`` resized to ``shape`` by nearest neighbour: the voxel under each pixel centre."""
    rows = np.minimum(((np.arange(shape[0]) + 0.5) * plane.shape[0] / shape[0]).astype(int),
                      plane.shape[0] - 1)  # fmt: skip
    cols = np.minimum(((np.arange(shape[1]) + 0.5) * plane.shape[1] / shape[1]).astype(int),
                      plane.shape[1] - 1)  # fmt: skip
    return plane[np.ix_(rows, cols)]


def _overlay(grey: np.ndarray, ids: np.ndarray, palette, background) -> np.ndarray:
    """``(H, W, 3)`` uint8: ``grey`` with each labelled pixel blended with its class colour."""
    rgb = np.repeat(grey[..., None], 3, axis=2).astype(np.float32)
    colours = np.asarray([list(p)[:3] for p in palette], np.float32)
    labelled = ids != background if background is not None else np.ones(ids.shape, bool)
    rgb[labelled] = (1 - OVERLAY_OPACITY) * rgb[labelled] + OVERLAY_OPACITY * colours[ids[labelled]]
    return np.round(rgb).astype(np.uint8)


def _legend_rows(widths: Sequence[int], width: int) -> list:
    """``[(row, x)]`` of each legend item of text width ``widths``, wrapped at ``width``;
    ``[(0, MARGIN)]`` when there is none."""
    placed, row, x = [], 0, MARGIN
    for w in widths:
        item = SWATCH + 4 + w + 2 * MARGIN
        if x > MARGIN and x + item > width:
            row, x = row + 1, MARGIN
        placed.append((row, x))
        x += item
    return placed or [(0, MARGIN)]


def _font():
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=FONT_SIZE)
    except (TypeError, ValueError, OSError):  # no FreeType: the bitmap font
        return ImageFont.load_default()


def _text_size(draw, text: str, font) -> Tuple[int, int]:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    return right - left, bottom
