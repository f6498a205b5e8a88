"""The same anatomy stored in another voxel order, as a DICOM conversion or a viewer would."""

import nibabel as nib
import numpy as np
from nibabel.orientations import apply_orientation, axcodes2ornt, inv_ornt_aff, ornt_transform


def stored_as(volume: np.ndarray, affine: np.ndarray, axcodes: str) -> tuple:
    """``(volume, affine)`` re-stored in voxel order ``axcodes`` (e.g. ``'LPS'``).

    The voxels are permuted and flipped and the affine changed with them, so every voxel
    keeps its world position.
    """
    change = ornt_transform(nib.io_orientation(affine), axcodes2ornt(tuple(axcodes)))
    return apply_orientation(volume, change), affine @ inv_ornt_aff(change, volume.shape)
