"""Every file of a training case opened and checked, whole and on one grid, before any is used.

Run over all training cases before any voxel is used or any file written. Each file is opened
through :mod:`attn_unet.volumes` (a file that is not NIfTI, cut or damaged, or whose affine
spans no volume stops the conversion; its non-finite voxels are counted in the same pass);
a 4D label, an image whose channels do not match ``dataset.json``, and an image and label of
different shapes or affines (:mod:`attn_unet.volumes.grid`) each stop it too, in one line
naming the case.
"""

from dataclasses import dataclass
from typing import Dict

import numpy as np

from attn_unet.errors import VolumeError
from attn_unet.volumes import (
    Case,
    CaseFiles,
    NiftiVolume,
    axis_codes,
    check_non_finite,
    grid_mismatch,
    open_case,
    open_nifti,
)

from .raw_set import DecathlonConvertError, RawCase, RawSet

__all__ = ['CaseGeometry', 'check_case_headers', 'check_images_finite']


@dataclass(frozen=True)
class CaseGeometry:
    """A case opened, and its grid as stored.

    Attributes:
        case_id: The case.
        shape: ``(X, Y, Z)`` voxels.
        affine: ``(4, 4)`` voxel -> world (RAS mm).
        axcodes: The stored voxel order (:func:`attn_unet.volumes.axis_codes`), e.g. ``'RAS'``.
        images: Its image channels opened (:class:`attn_unet.volumes.Case`).
        label: Its label opened.
    """

    case_id: str
    shape: tuple
    affine: np.ndarray
    axcodes: str
    images: Case
    label: NiftiVolume


def check_case_headers(case: RawCase, raw: RawSet) -> CaseGeometry:
    """Open the case's image(s) and label and check that they fit together.

    Raises:
        DecathlonConvertError: One line naming the case, the file and the fix.
    """
    try:
        label = open_nifti(case.label, 'a NIfTI label')
        images = open_case(
            CaseFiles(case.case_id, case.images), raw.channels, reads='dataset.json names'
        )
    except VolumeError as exc:
        raise DecathlonConvertError(f'case {case.case_id}: {exc} (nothing was written)') from None
    if len(label.shape) != 3:
        raise DecathlonConvertError(
            f'case {case.case_id}: label {case.label} has shape {label.shape}, not one 3D map: '
            'a label holds one value per voxel of the image grid (split a 4D label into '
            'classes with values 1, 2, ...)'
        )
    if label.non_finite:
        raise DecathlonConvertError(
            f'case {case.case_id}: label {case.label} has {label.non_finite} voxels that are not '
            'finite (NaN or inf): a label holds one whole number per voxel; export it again'
        )
    for path, image in zip(case.images, images.volumes):
        if image.shape[:3] != label.shape:
            raise DecathlonConvertError(
                f'case {case.case_id}: image {path} has shape {image.shape[:3]} but label '
                f'{case.label} has {label.shape}: the label must be drawn on the image grid'
            )
        mismatch = grid_mismatch(image.shape, image.affine, label.shape, label.affine)
        if mismatch:
            raise DecathlonConvertError(
                f'case {case.case_id}: image {path} and label {case.label} have {mismatch}: '
                "resample the label onto the image grid, or give it the image's qform/sform if "
                'it was drawn on it'
            )
    return CaseGeometry(
        case.case_id, label.shape, label.affine, axis_codes(label.affine), images, label
    )


def check_images_finite(geometries, raw: RawSet, allow: bool) -> Dict[str, int]:
    """Refuse a case whose images hold NaN or infinite voxels, unless ``allow``.

    Returns:
        ``{case: voxels}`` of the cases that hold some (read as the fill when allowed).

    Raises:
        DecathlonConvertError: the first such case, with its count, when not ``allow``.
    """
    found = {}
    for geometry in geometries:
        images = geometry.images
        if not images.non_finite:
            continue
        try:
            check_non_finite(images.describe(), images.non_finite, images.voxels, raw.channels,
                             allow, '--allow-non-finite')  # fmt: skip
        except VolumeError as exc:
            message = f'case {geometry.case_id}: {exc} (nothing was written)'
            raise DecathlonConvertError(message) from None
        found[geometry.case_id] = images.non_finite
    return found
