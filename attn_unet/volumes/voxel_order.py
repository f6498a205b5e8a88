"""One voxel order type: a stored volume permuted and flipped into named axis codes, and back.

A volume's voxel order is read from its affine as axis codes (nibabel's convention: ``'LPS'``
means axis 0 runs towards patient left, 1 towards posterior, 2 towards superior). A
:class:`VoxelOrder` moves a stored volume into a target order by whole-voxel permutations and
flips only (no resampling: a round trip returns the very same array) and moves a prediction
back, so it overlays the volume under the volume's own affine. The Synapse slicing uses it with
the training volumes' recorded order, a slice plan with its canonical order, and the
fingerprint with the world order ``'LPS'`` to compare spacings across cases.
"""

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from attn_unet.errors import VolumeError

__all__ = ['VoxelOrder', 'axis_codes', 'check_axis_codes', 'voxel_spacing']

_AXIS_OF = {'L': 'x', 'R': 'x', 'P': 'y', 'A': 'y', 'I': 'z', 'S': 'z'}


def axis_codes(affine: np.ndarray) -> str:
    """The stored voxel order of ``affine`` as three letters, e.g. ``'RAS'``."""
    from nibabel.orientations import io_orientation, ornt2axcodes

    return ''.join(ornt2axcodes(io_orientation(np.asarray(affine))))


def voxel_spacing(affine: np.ndarray) -> tuple:
    """mm between voxel centres along each stored axis: the norms of the affine's columns."""
    return tuple(float(s) for s in np.sqrt((np.asarray(affine)[:3, :3] ** 2).sum(axis=0)))


def check_axis_codes(codes: str, what: str = 'orientation') -> str:
    """``codes`` upper-cased, or one line when they are not one letter of L/R, P/A, I/S each.

    Raises:
        VolumeError: naming ``what`` and the fix.
    """
    upper = str(codes).upper()
    if (
        len(upper) != 3
        or any(c not in _AXIS_OF for c in upper)
        or len({_AXIS_OF[c] for c in upper}) != 3
    ):
        raise VolumeError(
            f'{what} {codes!r} is not 3 axis codes: give one letter of L/R, P/A and I/S each, '
            'e.g. PRS or LPS'
        )
    return upper


@dataclass(frozen=True)
class VoxelOrder:
    """A permutation-and-flip between a volume's stored voxel axes and a target order.

    Attributes:
        stored: the volume's axis codes (:func:`axis_codes` of its affine), e.g. ``'LPS'``.
        target: the order it is put into.
    """

    stored: str
    target: str

    @classmethod
    def of(cls, affine: np.ndarray, target: str | None) -> 'VoxelOrder':
        """The change from ``affine``'s stored order to ``target``; none when ``target`` is None.

        Raises:
            VolumeError: ``target`` is not three axis codes.
        """
        stored = axis_codes(affine)
        return cls(stored, stored if target is None else check_axis_codes(target))

    def _transform(self, forward: bool) -> np.ndarray:
        from nibabel.orientations import axcodes2ornt, ornt_transform

        stored, target = axcodes2ornt(tuple(self.stored)), axcodes2ornt(tuple(self.target))
        return ornt_transform(stored, target) if forward else ornt_transform(target, stored)

    def to_target(self, volume: np.ndarray) -> np.ndarray:
        """``volume`` ``(X, Y, Z, ...)`` in the stored order -> the target order (trailing axes
        kept)."""
        from nibabel.orientations import apply_orientation

        return apply_orientation(volume, self._transform(True))

    def to_stored(self, volume: np.ndarray) -> np.ndarray:
        """A volume ``(X', Y', Z', ...)`` in the target order -> the stored order."""
        from nibabel.orientations import apply_orientation

        return apply_orientation(volume, self._transform(False))

    def along_target(self, per_stored_axis: Sequence) -> tuple:
        """Three values given per stored axis (a shape, a spacing), in the target's axis order."""
        out = [None] * 3
        for stored_axis, (target_axis, _) in enumerate(self._transform(True)):
            out[int(target_axis)] = per_stored_axis[stored_axis]
        return tuple(out)
