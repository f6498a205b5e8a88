"""Where a DICOM series' slices lie: their order, the voxel grid, and its NIfTI (RAS) affine.

Each slice carries its plane (``ImageOrientationPatient``: the row direction ``r`` and
the column direction ``c``, unit vectors in DICOM's patient frame, LPS), the centre
of its first pixel (``ImagePositionPatient``) and ``PixelSpacing`` (row spacing, then
column spacing). The slices are ordered by their position along the normal
``n = r x c``, never by ``InstanceNumber``, which scanners and PACS renumber. Voxel
``(i, j, k)`` is column i, row j of the k-th slice so ordered, at

    position = IPP_0 + i * dx * r + j * dy * c + k * step        (LPS, mm)

``dx`` the column spacing, ``dy`` the row spacing and ``step`` the distance from one
slice to the next; the NIfTI affine is that matrix with x and y negated (LPS -> RAS).
A series is placed only when that grid holds every slice exactly: same size, plane and
spacing for all, no two slices at one position, even steps (a missing slice is an
uneven step), and each step along the normal. A gantry tilt (steps not along the
normal, the slices sheared) is placed only when asked, with its sheared affine.
"""

from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ['LPS_TO_RAS', 'SeriesGeometryError', 'SliceHeader', 'VolumeGrid', 'place_slices']

LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])
# Tolerances: directions (cosines), in-plane offsets (fraction of a pixel), steps (of the step).
DIRECTION_TOLERANCE = 1e-3
OFFSET_TOLERANCE = 0.1
STEP_TOLERANCE = 0.01
DUPLICATE_TOLERANCE = 1e-3  # mm: two slices closer than this lie at one position


class SeriesGeometryError(ValueError):
    """The slices do not lie on one regular grid; the message says how."""


@dataclass(frozen=True)
class SliceHeader:
    """The geometry of one slice, as its DICOM header gives it.

    Attributes:
        rows, columns: the pixel matrix (``Rows``, ``Columns``).
        orientation: ``ImageOrientationPatient``, 6 direction cosines (row, then column).
        position: ``ImagePositionPatient``, the first pixel's centre (LPS mm).
        spacing: ``PixelSpacing``: the distance between rows, then between columns (mm).
    """

    rows: int
    columns: int
    orientation: tuple
    position: tuple
    spacing: tuple


@dataclass(frozen=True)
class VolumeGrid:
    """Where a placed series' voxels lie.

    Attributes:
        order: indices into the given slices, slice k of the volume first.
        shape: ``(X, Y, Z)`` = (columns, rows, slices).
        affine: ``(4, 4)`` voxel -> RAS mm (NIfTI's convention).
        tilt_degrees: the angle between the steps and the normal (0 unless tilted).
    """

    order: tuple
    shape: tuple
    affine: np.ndarray
    tilt_degrees: float = 0.0


def place_slices(
    slices: Sequence[SliceHeader],
    allow_tilt: bool = False,
    tilt_option: str = '--allow-gantry-tilt',
) -> VolumeGrid:
    """Order ``slices`` along their normal and build the grid, or say why it does not exist.

    Args:
        slices: one header per slice, in any order.
        allow_tilt: accept steps that are not along the normal (gantry tilt); the
            affine is then sheared.
        tilt_option: the option that allows a tilt, named when one is refused.

    Raises:
        SeriesGeometryError: fewer than 2 slices, mixed matrix sizes, planes or pixel
            spacings, direction cosines that are not unit and orthogonal, two slices at
            one position, uneven steps (a missing slice), slices off one line, or a
            tilt without ``allow_tilt``.
    """
    if len(slices) < 2:
        raise SeriesGeometryError(f'it has {len(slices)} slice: a volume needs 2 or more')
    first = slices[0]
    row, col = _directions(first.orientation)
    _same_for_all(slices, row, col)
    normal = np.cross(row, col)
    positions = np.array([s.position for s in slices], dtype=np.float64)
    along = positions @ normal
    order = np.argsort(along, kind='stable')
    positions, along = positions[order], along[order]
    steps = np.diff(along)
    dy, dx = (float(v) for v in first.spacing)
    step = float(np.median(steps))
    _even_steps(steps, step, along)
    shift = (positions[-1] - positions[0]) / (len(slices) - 1)  # the mean step, a vector
    pixel = min(dx, dy)
    off_line = _in_plane(positions - positions[0] - np.outer(np.arange(len(slices)), shift), normal)
    if np.abs(off_line).max() > OFFSET_TOLERANCE * pixel:
        worst = int(np.linalg.norm(off_line, axis=1).argmax())
        raise SeriesGeometryError(
            f'its slices do not lie on one line (slice {worst} of the ordered series is '
            f'{np.linalg.norm(off_line[worst]):.3g} mm off it)'
        )
    drift = _in_plane(positions - positions[0], normal)  # zero unless the stack is sheared
    tilted = np.abs(drift).max() > OFFSET_TOLERANCE * pixel
    tilt = float(np.degrees(np.arctan2(np.linalg.norm(_in_plane(shift, normal)), step)))
    if tilted and not allow_tilt:
        raise SeriesGeometryError(
            f'it is tilted: its slices are stacked {tilt:.2f} degrees off their normal '
            f'(gantry tilt); pass {tilt_option} to keep the stored slices with a sheared affine'
        )
    slice_vector = shift if tilted else step * normal
    lps = np.eye(4)
    lps[:3, 0], lps[:3, 1], lps[:3, 2] = row * dx, col * dy, slice_vector
    lps[:3, 3] = positions[0]
    shape = (int(first.columns), int(first.rows), len(slices))
    return VolumeGrid(
        tuple(int(i) for i in order), shape, LPS_TO_RAS @ lps, tilt if tilted else 0.0
    )


def _in_plane(vectors: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """``vectors`` (..., 3) without their component along ``normal``."""
    return vectors - np.multiply.outer(vectors @ normal, normal)


def _directions(orientation: Sequence[float]) -> tuple:
    cosines = np.asarray(orientation, dtype=np.float64)
    if cosines.shape != (6,) or not np.all(np.isfinite(cosines)):
        raise SeriesGeometryError(
            f'its ImageOrientationPatient {list(orientation)} is not 6 numbers'
        )
    row, col = cosines[:3], cosines[3:]
    if (
        abs(np.linalg.norm(row) - 1) > DIRECTION_TOLERANCE
        or abs(np.linalg.norm(col) - 1) > DIRECTION_TOLERANCE
        or abs(row @ col) > DIRECTION_TOLERANCE
    ):
        raise SeriesGeometryError(
            f'its ImageOrientationPatient {list(orientation)} is not two orthogonal unit vectors'
        )
    return row / np.linalg.norm(row), col / np.linalg.norm(col)


def _same_for_all(slices: Sequence[SliceHeader], row: np.ndarray, col: np.ndarray) -> None:
    first = slices[0]
    sizes = sorted({(s.rows, s.columns) for s in slices})
    if len(sizes) > 1:
        listed = ', '.join(f'{r}x{c}' for r, c in sizes)
        raise SeriesGeometryError(f'its slices have different matrix sizes ({listed})')
    for s in slices:
        other_row, other_col = _directions(s.orientation)
        if (
            np.abs(other_row - row).max() > DIRECTION_TOLERANCE
            or np.abs(other_col - col).max() > DIRECTION_TOLERANCE
        ):
            raise SeriesGeometryError(
                f'its slices lie in different planes (ImageOrientationPatient '
                f'{list(first.orientation)} and {list(s.orientation)})'
            )
        if np.abs(np.subtract(s.spacing, first.spacing)).max() > 1e-4 * max(first.spacing):
            raise SeriesGeometryError(
                f'its slices have different pixel spacings ({list(first.spacing)} and '
                f'{list(s.spacing)} mm)'
            )


def _even_steps(steps: np.ndarray, step: float, along: np.ndarray) -> None:
    """Refuse two slices at one position, or steps that are not all ``step``."""
    together = np.abs(steps) <= max(DUPLICATE_TOLERANCE, STEP_TOLERANCE * abs(step))
    if together.any():
        at = float(along[1:][together][0])
        raise SeriesGeometryError(
            f'{int(together.sum()) + 1} of its slices lie at one position ({at:.4g} mm along '
            'the normal): it holds more than one volume (phases, echoes or a repeated scan); '
            'put each volume in its own series'
        )
    uneven = np.abs(steps - step) > STEP_TOLERANCE * step
    if uneven.any():
        where = int(np.flatnonzero(uneven)[0])
        raise SeriesGeometryError(
            f'its slices are unevenly spaced (steps from {steps.min():.4g} to '
            f'{steps.max():.4g} mm; after slice {where} of the ordered series comes a step of '
            f'{steps[where]:.4g} mm, the others are {step:.4g} mm): a slice is missing or the '
            'series mixes spacings'
        )
