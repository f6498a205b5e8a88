"""A series' slices are ordered along their normal and placed on one exact grid, or refused."""

import numpy as np
import pytest

from attn_unet.volumes.dicom.geometry import (
    LPS_TO_RAS,
    SeriesGeometryError,
    SliceHeader,
    place_slices,
)

SPACING = (0.7, 0.8)  # between rows (along the column direction), between columns (along rows)


def stack(row, col, step, count=6, origin=(-10.0, 20.0, -30.0), rows=5, columns=4, skip=()):
    """Headers of ``count`` slices at ``origin + k * step`` (``step`` a vector), shuffled."""
    slices = [
        SliceHeader(rows, columns, (*row, *col), tuple(np.add(origin, np.multiply(k, step))),
                    SPACING)
        for k in range(count)
        if k not in skip
    ]  # fmt: skip
    order = np.random.default_rng(len(slices)).permutation(len(slices))
    return [slices[i] for i in order]


def world(header: SliceHeader, i: int, j: int) -> np.ndarray:
    """RAS position of column i, row j of a slice, from its DICOM tags alone."""
    row, col = np.array(header.orientation[:3]), np.array(header.orientation[3:])
    lps = np.array(header.position) + i * SPACING[1] * row + j * SPACING[0] * col
    return np.array([-lps[0], -lps[1], lps[2]])


AXIAL = ((1, 0, 0), (0, 1, 0))
ROW_ANTERIOR = ((0, -1, 0), (1, 0, 0))  # rows run towards anterior: voxel order A, L, S
SAGITTAL = ((0, 1, 0), (0, 0, -1))
OBLIQUE = ((np.cos(0.3), np.sin(0.3), 0), (-np.sin(0.3), np.cos(0.3), 0))


@pytest.mark.parametrize(
    'plane, step, axcodes',
    [
        (AXIAL, (0, 0, 2.5), 'LPS'),
        (AXIAL, (0, 0, -2.5), 'LPS'),  # stored head to feet: ordered along the normal anyway
        (ROW_ANTERIOR, (0, 0, 1.25), 'ALS'),
        (SAGITTAL, (-3.0, 0, 0), 'PIR'),
        (OBLIQUE, (0, 0, 2.0), None),
    ],
)
def test_every_voxel_lands_where_its_slice_says(plane, step, axcodes):
    import nibabel as nib

    slices = stack(*plane, step)
    grid = place_slices(slices)
    assert grid.shape == (4, 5, 6) and grid.tilt_degrees == 0
    normal = np.cross(*plane)
    along = [np.dot(slices[i].position, normal) for i in grid.order]
    assert along == sorted(along)  # by position along the normal, never by file order
    for k, index in enumerate(grid.order):
        for i, j in ((0, 0), (3, 0), (0, 4), (3, 4)):
            np.testing.assert_allclose(grid.affine @ [i, j, k, 1], [*world(slices[index], i, j), 1])
    if axcodes:
        assert ''.join(nib.aff2axcodes(grid.affine)) == axcodes


def test_the_affine_agrees_with_nibabels_reading_of_one_slice():
    """nibabel's DICOM wrapper (voxel axes row, column) gives the same first two axes and origin."""
    from nibabel.nicom.dicomwrappers import wrapper_from_data
    from pydicom.dataset import Dataset

    slices = stack(*ROW_ANTERIOR, (0, 0, 1.25))
    grid = place_slices(slices)
    first = slices[grid.order[0]]
    ds = Dataset()
    ds.ImageOrientationPatient, ds.ImagePositionPatient = (
        list(first.orientation),
        list(first.position),
    )
    ds.PixelSpacing, ds.Rows, ds.Columns = list(SPACING), first.rows, first.columns
    ds.SliceThickness = 1.25
    reference = wrapper_from_data(ds).affine  # LPS
    lps = LPS_TO_RAS @ grid.affine
    np.testing.assert_allclose(lps[:3, 0], reference[:3, 1])
    np.testing.assert_allclose(lps[:3, 1], reference[:3, 0])
    np.testing.assert_allclose(lps[:3, 3], reference[:3, 3])


def test_a_tilted_stack_is_placed_only_when_asked_with_its_sheared_affine():
    step = (0, 2.5 * np.tan(np.radians(12)), 2.5)  # each slice 12 degrees further along y
    with pytest.raises(
        SeriesGeometryError, match=r'tilted: .* 12.00 degrees .*--allow-gantry-tilt'
    ):
        place_slices(stack(*AXIAL, step))
    slices = stack(*AXIAL, step)
    grid = place_slices(slices, allow_tilt=True)
    assert grid.tilt_degrees == pytest.approx(12)
    for k, index in enumerate(grid.order):
        np.testing.assert_allclose(grid.affine @ [3, 4, k, 1], [*world(slices[index], 3, 4), 1])


def _mixed_size():
    slices = stack(*AXIAL, (0, 0, 2.5))
    slices[2] = SliceHeader(
        6, 4, *[getattr(slices[2], f) for f in ('orientation', 'position', 'spacing')]
    )
    return slices


def _mixed_plane():
    slices = stack(*AXIAL, (0, 0, 2.5))
    slices[1] = SliceHeader(5, 4, (*OBLIQUE[0], *OBLIQUE[1]), slices[1].position, SPACING)
    return slices


def _mixed_spacing():
    slices = stack(*AXIAL, (0, 0, 2.5))
    slices[3] = SliceHeader(5, 4, slices[3].orientation, slices[3].position, (0.9, 0.8))
    return slices


def _off_line():
    slices = stack(*AXIAL, (0, 0, 2.5))
    moved = np.add(slices[2].position, (5.0, 0, 0))  # one slice 5 mm aside, the others in line
    slices[2] = SliceHeader(5, 4, slices[2].orientation, tuple(moved), SPACING)
    return slices


@pytest.mark.parametrize(
    'make, words',
    [
        (lambda: stack(*AXIAL, (0, 0, 2.5), skip=(3,)), 'unevenly spaced'),
        (
            lambda: stack(*AXIAL, (0, 0, 2.5)) + stack(*AXIAL, (0, 0, 2.5))[:1],
            'lie at one position',
        ),
        (lambda: stack(*AXIAL, (0, 0, 2.5), count=1), 'a volume needs 2'),
        (_mixed_size, 'different matrix sizes (5x4, 6x4)'),
        (_mixed_plane, 'different planes'),
        (_mixed_spacing, 'different pixel spacings'),
        (_off_line, 'do not lie on one line'),
        (lambda: stack((1, 0, 0), (0.5, 1, 0), (0, 0, 1)), 'not two orthogonal unit vectors'),
    ],
    ids=['missing', 'duplicate', 'one-slice', 'sizes', 'planes', 'spacings', 'off-line', 'cosines'],
)
def test_a_series_that_is_not_one_grid_is_refused(make, words):
    with pytest.raises(SeriesGeometryError) as info:
        place_slices(make(), allow_tilt=True)  # none of these is allowed by any option
    assert words in str(info.value)
