"""A case: one volume of C channels, stored as one 4D file or as nnU-Net's channel files.

- **One file**: a 3D volume (one channel), or a Decathlon image holding every channel along a
  4th axis ``(X, Y, Z, C)``; the case is named by its file (``pancreas_042``).
- **Channel files**: ``CASE_0000.nii.gz``, ``CASE_0001.nii.gz``, ... (``_0000`` present),
  grouped by ``CASE`` and named by it, as nnU-Net names its cases and predictions.

The endings are matched in any case (``.nii.gz``, ``.NII.GZ``, ``.nii``), by one rule
(:data:`CHANNEL_FILE`) for the converter and the predictor. :func:`open_case` opens every
file as :func:`~.nifti.open_nifti` does and checks that the case holds the channels asked
for, on one grid (:mod:`.grid`); :meth:`Case.read` gives ``(C, X, Y, Z)``.
"""

import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, List, Sequence

import numpy as np

from attn_unet.errors import VolumeError

from .grid import grid_mismatch
from .nifti import NiftiVolume, nifti_stem, open_nifti

__all__ = ['CHANNEL_FILE', 'Case', 'CaseFiles', 'channel_file', 'group_channel_files', 'open_case']

CHANNEL_FILE = re.compile(r'(.+)_(\d{4})$')


@dataclass(frozen=True)
class CaseFiles:
    """One case's name and files (one per channel, or one for all)."""

    case_id: str
    files: tuple


def channel_file(path: str) -> tuple[str, int] | None:
    """``(case, channel)`` of a channel file ``CASE_XXXX.nii.gz``, else None."""
    match = CHANNEL_FILE.fullmatch(nifti_stem(path))
    return (match.group(1), int(match.group(2))) if match else None


def group_channel_files(
    files: Sequence[str], channels: Sequence[str], reads: str = 'the model reads'
) -> List[CaseFiles]:
    """NIfTI ``files`` as cases of ``channels``, sorted by name.

    ``CASE_XXXX`` files whose ``CASE_0000`` is among them form one case; any other file is a
    case of its own (a 4-digit suffix without a ``_0000`` sibling is part of its name).

    Args:
        files: NIfTI paths.
        channels: the channel names a case must hold, in order.
        reads: who wants them, for messages (``'the model reads'``).

    Raises:
        VolumeError: a case's channel files are not exactly ``_0000`` .. ``_{C-1:04d}``.
    """
    unique = sorted(set(map(str, files)))
    groups: Dict[str, Dict[int, str]] = {}
    for path in unique:
        found = channel_file(path)
        if found:
            groups.setdefault(found[0], {})[found[1]] = path
    cases = []
    for path in unique:
        found = channel_file(path)
        if found is None or 0 not in groups[found[0]]:
            cases.append(CaseFiles(nifti_stem(path), (path,)))
    for case, by_channel in sorted(groups.items()):
        if 0 in by_channel:
            cases.append(_channel_case(case, by_channel, channels, reads))
    return sorted(cases, key=lambda c: c.case_id)


def _channel_case(
    case: str, by_channel: Dict[int, str], channels: Sequence[str], reads: str
) -> CaseFiles:
    wanted = list(range(len(channels)))
    if sorted(by_channel) != wanted:
        folder = osp.dirname(by_channel[0])
        missing = [c for c in wanted if c not in by_channel]
        if missing:
            problem = f'lacks {osp.join(folder, f"{case}_{missing[0]:04d}.nii.gz")}'
        else:
            extra = max(by_channel)
            problem = f'has a channel {extra} file ({osp.basename(by_channel[extra])})'
        raise VolumeError(
            f'case {case} {problem}: {reads} {len(channels)} channel(s) '
            f'({", ".join(channels)}), as files {case}_0000 .. {case}_{len(channels) - 1:04d}; '
            'pass every channel file of the case and no other'
        )
    return CaseFiles(case, tuple(by_channel[c] for c in wanted))


@dataclass
class Case:
    """A case opened and checked; its voxels are read by :meth:`read`.

    Attributes:
        case_id: its name (the outputs' name).
        files: its files.
        volumes: each file opened (:class:`~.nifti.NiftiVolume`), same order.
        modalities: the channel names, in order.
        stacked: whether one 4D file holds every channel.
    """

    case_id: str
    files: tuple
    volumes: tuple
    modalities: tuple
    stacked: bool = False

    @property
    def first(self) -> NiftiVolume:
        """The first file: the grid, affine and header the outputs are written with."""
        return self.volumes[0]

    @property
    def shape(self) -> tuple:
        """``(X, Y, Z)``."""
        return tuple(self.first.shape[:3])

    @property
    def affine(self) -> np.ndarray:
        return self.first.affine

    @property
    def stem(self) -> str:
        return self.case_id

    @property
    def non_finite(self) -> int:
        """NaN and infinite voxels over every channel."""
        return sum(v.non_finite for v in self.volumes)

    @property
    def voxels(self) -> int:
        """Voxels over every channel."""
        return int(np.prod(self.shape)) * len(self.modalities)

    def describe(self) -> str:
        """Its file, or ``case X (X_0000.nii.gz, ...)`` for channel files."""
        if len(self.files) == 1:
            return self.files[0]
        return f'case {self.case_id} ({self.files[0]}, ...)'

    def record(self) -> dict:
        """What a record says about the input."""
        return dict(case=self.case_id, scan=self.files[0], inputs=list(self.files))

    def read(self, dtype=np.float32) -> np.ndarray:
        """The channel volumes ``(C, X, Y, Z)`` as ``dtype``, with the headers' scaling.

        Raises:
            VolumeError: a file is truncated or its data cannot be decoded.
        """
        if self.stacked:
            return np.moveaxis(self.first.read(dtype), 3, 0)
        if len(self.volumes) == 1:
            return self.first.read(dtype)[None]  # no second copy of a one-channel scan
        return np.stack([volume.read(dtype) for volume in self.volumes])

    def read_channels(self, dtype=np.float32) -> np.ndarray:
        """:meth:`read`, as every volume (a case, a series) gives its channels."""
        return self.read(dtype)

    def nifti_like(self, array: np.ndarray):
        """``array`` as a NIfTI on the first file's grid, with its header."""
        return self.first.nifti_like(array)


def open_case(case: CaseFiles, channels: Sequence[str], reads: str = 'the model reads') -> Case:
    """Open ``case`` as a volume of ``channels`` and check it.

    Args:
        case: its name and files.
        channels: the channel names (modalities) it must hold, in order.
        reads: who wants them, for messages.

    Raises:
        VolumeError: one line naming the file: not a readable, whole NIfTI volume with an
            affine that spans a volume; the wrong number of channels; channel files on two
            grids.
    """
    count, names = len(channels), ', '.join(channels)
    opened = tuple(open_nifti(path) for path in case.files)
    first = opened[0]
    if len(opened) == 1:
        shape = first.shape
        if len(shape) == 3 and min(shape) >= 1 and count == 1:
            return Case(case.case_id, case.files, opened, tuple(channels))
        if len(shape) == 4 and shape[3] == count and count > 1:
            return Case(case.case_id, case.files, opened, tuple(channels), stacked=True)
        raise VolumeError(
            f'{first.path} holds a {len(shape)}D array of shape {shape}, and {reads} {count} '
            f'channel(s) ({names}): pass a 3D volume per channel (CASE_0000.nii.gz, '
            f'CASE_0001.nii.gz, ...) or one 4D (X, Y, Z, {count}) file per case'
        )
    for volume in opened:
        if len(volume.shape) != 3:
            raise VolumeError(
                f'{volume.path} holds a {len(volume.shape)}D array of shape {volume.shape}: a '
                f'channel file of case {case.case_id} holds one 3D volume'
            )
        mismatch = grid_mismatch(volume.shape, volume.affine, first.shape, first.affine)
        if mismatch:
            raise VolumeError(
                f'case {case.case_id}: {volume.path} is not on the grid of {first.path} '
                f'({mismatch}): channel files of a case must be co-registered on one grid'
            )
    return Case(case.case_id, case.files, opened, tuple(channels))
