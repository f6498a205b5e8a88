"""A case of one or several channel files, opened and checked as one scan before any prediction.

Each file is checked as :func:`~.scan_io.open_scan` checks a scan (NIfTI, whole, an affine
that spans a volume); a single file must hold as many channels as the model reads (a 3D
volume for one, a 4D ``(X, Y, Z, C)`` Decathlon image for C), and channel files must share
one grid. The predictions are written on the grid, affine and header of the case's first file.
"""

from dataclasses import dataclass

import numpy as np

from attn_unet.errors import ToolError

from .channel_inputs import CaseInput
from .scan_io import Scan, check_nifti_whole, count_non_finite, open_scan, read_nifti_header

__all__ = ['CaseScan', 'open_case']

# Channel files are one grid when their affines agree to a micrometre.
AFFINE_TOLERANCE_MM = 1e-3


@dataclass
class CaseScan:
    """A case opened for prediction.

    Attributes:
        case_id: The case (the outputs' name).
        files: Its files.
        scan: Its first file as a :class:`~.scan_io.Scan` of shape ``(X, Y, Z)``: the grid,
            affine and header the outputs are written with.
        stacked: Whether one 4D file holds every channel.
        non_finite: How many voxels of all its channels are NaN or infinite.
    """

    case_id: str
    files: tuple
    scan: Scan
    stacked: bool = False
    non_finite: int = 0

    @property
    def affine(self) -> np.ndarray:
        return self.scan.affine

    def read(self) -> np.ndarray:
        """The channel volumes ``(C, X, Y, Z)`` float32, as nibabel scales them (and the
        converter read its training cases).

        Raises:
            ToolError: a file is truncated or its data cannot be decoded.
        """
        import nibabel as nib

        volumes = []
        for path in self.files:
            try:
                data = np.asarray(nib.load(path).get_fdata(dtype=np.float32))
            except Exception as exc:  # gzip, zlib, EOF and nibabel errors for damaged files
                reason = ' '.join(str(exc).split())[:120] or type(exc).__name__
                raise ToolError(
                    f'{path} is truncated or damaged ({reason}): export it again'
                ) from exc
            if self.stacked:
                data = data.reshape(*self.scan.shape, -1)
                volumes += [data[..., c] for c in range(data.shape[-1])]
            else:
                volumes.append(data.reshape(self.scan.shape))
        return np.stack(volumes)


def open_case(case: CaseInput, channels) -> CaseScan:
    """Open ``case`` for a model reading ``channels`` (their names) and check it.

    Raises:
        ToolError: one line naming the file: not a readable, whole NIfTI volume, the wrong
            number of channels, or channel files on different grids.
    """
    count = len(channels)
    if len(case.files) > 1:
        scans = [open_scan(path) for path in case.files]
        for path, scan in zip(case.files[1:], scans[1:]):
            if scan.shape != scans[0].shape or not np.allclose(
                scan.affine, scans[0].affine, atol=AFFINE_TOLERANCE_MM
            ):
                raise ToolError(
                    f'case {case.case_id}: {path} is not on the grid of {case.files[0]} (shape '
                    f'{scan.shape} vs {scans[0].shape}, or another affine): channel files of a '
                    'case must be co-registered on one grid'
                )
        non_finite = sum(scan.non_finite for scan in scans)
        return CaseScan(case.case_id, case.files, scans[0], non_finite=non_finite)
    path = case.files[0]
    image, shape = read_nifti_header(path)
    check_nifti_whole(path, image)
    names = ', '.join(channels)
    if len(shape) == 3 and min(shape) >= 1 and count == 1:
        non_finite = count_non_finite(path, image)
        scan = Scan(path, image, shape, non_finite)
        return CaseScan(case.case_id, case.files, scan, non_finite=non_finite)
    if len(shape) == 4 and shape[3] == count:
        scan = Scan(path, image, shape[:3])
        return CaseScan(case.case_id, case.files, scan, True, count_non_finite(path, image))
    raise ToolError(
        f'{path} holds an array of shape {shape} but the model reads {count} channel(s) '
        f'({names}): pass a 3D scan per channel (CASE_0000.nii.gz, CASE_0001.nii.gz, ...) or '
        f'one 4D (X, Y, Z, {count}) file per case'
    )
