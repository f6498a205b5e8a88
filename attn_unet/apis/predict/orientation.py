"""Put a scan into the voxel order the model was trained on, and a prediction back.

mmseg's Synapse converter ignores the NIfTI affine, so a model learns the voxel
order of its training volumes (recorded by the converter as axis codes, e.g.
``'PRS'``: axis 0 runs towards posterior, 1 towards right, 2 towards superior).
A scan stored otherwise (``'LPS'`` from a DICOM conversion, permuted axes) is
permuted and flipped into that order before its slices are cut, and each
prediction is put back into the scan's own voxel order, so it overlays the scan
under the scan's own affine. Only whole-voxel permutations and flips are used: no
resampling, and a round trip returns the very same array.
"""

from dataclasses import dataclass

import numpy as np

from attn_unet.errors import ToolError

__all__ = ['VoxelOrder', 'voxel_order']


@dataclass(frozen=True)
class VoxelOrder:
    """A permutation-and-flip between a scan's voxel axes and the training order.

    Attributes:
        source: the scan's axis codes (``nibabel.aff2axcodes``), e.g. ``('L', 'P', 'S')``.
        target: the training volumes' axis codes.
    """

    source: tuple
    target: tuple

    def _transform(self, forward: bool) -> np.ndarray:
        from nibabel.orientations import axcodes2ornt, ornt_transform

        source, target = axcodes2ornt(self.source), axcodes2ornt(self.target)
        return ornt_transform(source, target) if forward else ornt_transform(target, source)

    def to_training(self, volume: np.ndarray) -> np.ndarray:
        """``volume`` ``(X, Y, Z, ...)`` in the scan's order -> the training order."""
        from nibabel.orientations import apply_orientation

        return apply_orientation(volume, self._transform(True))

    def to_scan(self, volume: np.ndarray) -> np.ndarray:
        """A volume ``(X', Y', Z', ...)`` in the training order -> the scan's own order."""
        from nibabel.orientations import apply_orientation

        return apply_orientation(volume, self._transform(False))


def voxel_order(affine: np.ndarray, training_axcodes: str | None) -> VoxelOrder:
    """The order change for a scan with ``affine``; identity when the training order is unknown.

    Args:
        affine: the scan's voxel -> world (RAS mm) matrix.
        training_axcodes: the training volumes' codes (``'PRS'``), or None to take the
            scan's voxel order as it is (what mmseg's converter does).

    Raises:
        ToolError: ``training_axcodes`` are not three distinct axis letters.
    """
    import nibabel as nib

    source = tuple(nib.aff2axcodes(affine))
    if training_axcodes is None:
        return VoxelOrder(source, source)
    codes = tuple(str(training_axcodes).upper())
    axes = {'L': 'x', 'R': 'x', 'P': 'y', 'A': 'y', 'I': 'z', 'S': 'z'}
    if len(codes) != 3 or any(c not in axes for c in codes) or len({axes[c] for c in codes}) != 3:
        raise ToolError(
            f'training orientation {training_axcodes!r} is not 3 axis codes: give one letter of '
            'L/R, P/A and I/S each, e.g. PRS or LPS'
        )
    return VoxelOrder(source, codes)
