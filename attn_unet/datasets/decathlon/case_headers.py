"""Every file of a training case opened (headers only) and checked whole and on one grid.

Run over all training cases before any voxel is read or any file written: a file that is
not NIfTI, cut or damaged (:func:`~attn_unet.datasets.nifti_whole.nifti_damage`), a 4D
label, an image whose channels do not match ``dataset.json``, and an image and label (or
two channel files) of different shapes or affines each stop the conversion in one line.
"""

from dataclasses import dataclass

import numpy as np

from ..nifti_whole import nifti_damage
from .raw_set import DecathlonConvertError, RawCase, RawSet

__all__ = ['AFFINE_TOLERANCE_MM', 'CaseGeometry', 'check_case_headers', 'spatial_shape']

# Two grids are one when their affines agree to a micrometre (rounding in a header).
AFFINE_TOLERANCE_MM = 1e-3


@dataclass(frozen=True)
class CaseGeometry:
    """A case's grid as stored.

    Attributes:
        case_id: The case.
        shape: ``(X, Y, Z)`` voxels.
        affine: ``(4, 4)`` voxel -> world (RAS mm).
        axcodes: The stored voxel order (``nibabel.aff2axcodes``), e.g. ``'RAS'``.
    """

    case_id: str
    shape: tuple
    affine: np.ndarray
    axcodes: str


def spatial_shape(shape: tuple) -> tuple:
    """A NIfTI shape less trailing axes of length 1 (``(X, Y, Z, 1)`` is a 3D volume)."""
    shape = tuple(int(s) for s in shape)
    while len(shape) > 3 and shape[-1] == 1:
        shape = shape[:-1]
    return shape


def check_case_headers(case: RawCase, raw: RawSet) -> CaseGeometry:
    """Open the case's image(s) and label and check that they fit together.

    Raises:
        DecathlonConvertError: One line naming the case, the file and the fix.
    """
    import nibabel as nib

    label = _open(case, case.label, 'label')
    label_shape = spatial_shape(label.shape)
    if len(label_shape) != 3:
        raise DecathlonConvertError(
            f'case {case.case_id}: label {case.label} has shape {label_shape}, not one 3D map: '
            'a label holds one value per voxel of the image grid (split a 4D label into '
            'classes with values 1, 2, ...)'
        )
    images = [_open(case, path, 'image') for path in case.images]
    channels = len(raw.channels)
    for path, image in zip(case.images, images):
        shape = spatial_shape(image.shape)
        expected = label_shape + ((channels,) if raw.stacked_channels and channels > 1 else ())
        if shape != expected:
            layout = (
                f'(X, Y, Z, {channels}): dataset.json\'s "modality" names {channels} channels'
                if len(expected) == 4
                else 'the label grid (X, Y, Z)'
            )
            raise DecathlonConvertError(
                f'case {case.case_id}: image {path} has shape {shape} but label {case.label} '
                f'has {label_shape}; expected {layout}: the label must be drawn on the image grid'
            )
        difference = float(np.abs(image.affine - label.affine).max())
        if difference > AFFINE_TOLERANCE_MM:
            raise DecathlonConvertError(
                f'case {case.case_id}: image {path} and label {case.label} have different '
                f'affines (up to {difference:.3g} mm apart): resample the label onto the image '
                "grid, or give it the image's qform/sform if it was drawn on it"
            )
    return CaseGeometry(
        case.case_id, label_shape, np.asarray(label.affine), ''.join(nib.aff2axcodes(label.affine))
    )


def _open(case: RawCase, path: str, kind: str):
    import nibabel as nib

    try:
        image = nib.load(path)
    except Exception as exc:  # nibabel raises many types for files that are not NIfTI
        reason = ' '.join(str(exc).split())[:120] or type(exc).__name__
        raise DecathlonConvertError(
            f'case {case.case_id}: cannot read the header of {kind} {path} ({reason}): the '
            'file is truncated or not NIfTI; copy or download it again'
        ) from exc
    if not isinstance(image, (nib.Nifti1Image, nib.Nifti2Image)):
        raise DecathlonConvertError(
            f'case {case.case_id}: {kind} {path} is a {type(image).__name__}, not NIfTI: '
            'convert it to .nii.gz'
        )
    damage = nifti_damage(path, image)
    if damage:
        raise DecathlonConvertError(
            f'case {case.case_id}: {kind} {path} is truncated or damaged ({damage}): copy or '
            'download it again (nothing was written)'
        )
    return image
