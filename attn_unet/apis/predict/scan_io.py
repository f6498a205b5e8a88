"""Read a CT scan and write what a viewer opens over it: NIfTI in, NIfTI out, same geometry.

A prediction keeps the scan's affine and header (qform and sform with their codes,
units, descriptions), so 3D Slicer or ITK-SNAP lay the mask over the scan. Files are
written under a hidden temporary name and renamed, and an existing file is replaced
only when asked.

A scan is checked whole before any prediction
(:func:`~attn_unet.datasets.nifti_whole.nifti_damage`): a cut or damaged ``.nii.gz`` is
refused before the first slice is segmented, never predicted on wrong voxels. Its
voxels that are not finite numbers (NaN, inf: only float data can hold them) are
counted then too (:attr:`Scan.non_finite`).
"""

import os.path as osp
from dataclasses import dataclass

import numpy as np

from attn_unet.datasets.nifti_whole import nifti_damage
from attn_unet.errors import ToolError
from attn_unet.fileio import atomic_write

__all__ = [
    'NIFTI_SUFFIXES',
    'Scan',
    'check_nifti_whole',
    'count_non_finite',
    'is_nifti_path',
    'open_scan',
    'read_nifti_header',
    'scan_stem',
    'write_like_scan',
]

NIFTI_SUFFIXES = ('.nii.gz', '.nii')
# |det| of the affine's 3x3 part below this (mm^3 per voxel) is a degenerate geometry.
MIN_VOXEL_VOLUME = 1e-9


@dataclass
class Scan:
    """A CT volume opened for prediction; its voxels are read by :meth:`read`.

    Attributes:
        path: the file.
        image: the nibabel image (header and affine; data not read yet).
        shape: ``(X, Y, Z)``.
        non_finite: how many voxels are NaN or infinite.
    """

    path: str
    image: object
    shape: tuple
    non_finite: int = 0

    @property
    def affine(self) -> np.ndarray:
        return self.image.affine

    @property
    def stem(self) -> str:
        """The name its outputs get: ``case7`` of ``case7.nii.gz``."""
        return scan_stem(self.path)

    def describe(self) -> str:
        return self.path

    def record(self) -> dict:
        """What the JSON beside the prediction says about the input."""
        return dict(scan=self.path)

    def nifti_like(self, array: np.ndarray):
        """``array`` ``(X, Y, Z, ...)`` as a NIfTI with this scan's affine, forms and header.

        The data type is the array's; no intensity scaling.
        """
        header = self.image.header.copy()
        header.set_data_dtype(array.dtype)
        out = type(self.image)(array, self.affine, header)
        out.header.set_slope_inter(1.0, 0.0)
        for form in ('qform', 'sform'):
            matrix, code = getattr(self.image.header, f'get_{form}')(coded=True)
            if matrix is not None:
                getattr(out.header, f'set_{form}')(matrix, int(code))
        return out

    def read(self) -> np.ndarray:
        """The voxels ``(X, Y, Z)`` as float64 Hounsfield units (header scaling applied).

        Raises:
            ToolError: the file is truncated or its data cannot be decoded.
        """
        try:
            data = np.asarray(self.image.get_fdata(dtype=np.float64))
        except Exception as exc:  # gzip, zlib, EOF and nibabel errors for damaged files
            raise _truncated(self.path, _reason(exc)) from exc
        return data.reshape(self.shape)


def is_nifti_path(path: str) -> bool:
    return path.lower().endswith(NIFTI_SUFFIXES)


def scan_stem(path: str) -> str:
    """``case7`` of ``/scans/case7.nii.gz`` or ``case7.nii``."""
    name = osp.basename(path)
    for suffix in NIFTI_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return osp.splitext(name)[0]


def open_scan(path: str) -> Scan:
    """Open a NIfTI volume and check it: header, shape, affine, and that it is whole.

    Raises:
        ToolError: not a NIfTI file, not a 3D volume (a trailing axis of length 1 is
            accepted), an affine that maps the voxels onto nothing (singular), a file
            shorter than its header says (truncated), or a damaged gzip stream.
    """
    if not osp.isfile(path):
        raise ToolError(f'{path} does not exist: pass a .nii or .nii.gz CT volume')
    image, shape = read_nifti_header(
        path, 'a .nii or .nii.gz CT scan (convert DICOM series first, e.g. with dcm2niix)'
    )
    if len(shape) != 3 or min(shape) < 1:
        raise ToolError(
            f'{path} holds a {len(shape)}D array of shape {shape}: pass a 3D CT volume '
            '(one scan, not a series or a single slice)'
        )
    check_nifti_whole(path, image)
    return Scan(path=path, image=image, shape=shape, non_finite=count_non_finite(path, image))


def read_nifti_header(path: str, expected: str = 'a .nii or .nii.gz scan') -> tuple:
    """The nibabel image of ``path`` (data not read) and its shape less trailing 1s.

    Args:
        path: the file.
        expected: what to pass instead, for the message of a file nibabel cannot read.

    Raises:
        ToolError: not a readable NIfTI file.
    """
    import nibabel as nib

    try:
        image = nib.load(path)
    except Exception as exc:
        raise ToolError(
            f'{path} is not a readable NIfTI volume ({_reason(exc)}): pass {expected}'
        ) from exc
    if not isinstance(image, (nib.Nifti1Image, nib.Nifti2Image)):
        raise ToolError(f'{path} is a {type(image).__name__}, not a NIfTI volume: pass a .nii.gz')
    shape = tuple(int(s) for s in image.shape)
    while len(shape) > 3 and shape[-1] == 1:
        shape = shape[:-1]
    return image, shape


def check_nifti_whole(path: str, image) -> None:
    """Refuse an affine whose voxels span no volume, and a truncated or damaged file.

    Raises:
        ToolError: naming the file and the fix.
    """
    if abs(np.linalg.det(image.affine[:3, :3])) < MIN_VOXEL_VOLUME:
        raise ToolError(
            f'{path} has a singular affine (its voxels span no volume): fix the qform/sform of '
            'the file, e.g. by exporting it again'
        )
    damage = nifti_damage(path, image)
    if damage:
        raise _truncated(path, damage)


def count_non_finite(path: str, image) -> int:
    """NaN and inf voxels: only float data (or a non-finite scaling) can hold them.

    Raises:
        ToolError: the data cannot be read whole (truncated or damaged).
    """
    proxy = image.dataobj
    scaling = [getattr(proxy, 'slope', 1.0), getattr(proxy, 'inter', 0.0)]
    if image.get_data_dtype().kind in 'iub' and np.all(np.isfinite(scaling)):
        return 0
    try:
        data = np.asarray(proxy)  # the stored type (float32 stays float32), scaling applied
    except Exception as exc:  # gzip, zlib, EOF and nibabel errors for damaged files
        raise _truncated(path, _reason(exc)) from exc
    return int(np.count_nonzero(~np.isfinite(data)))


def _truncated(path: str, reason: str) -> ToolError:
    return ToolError(f'{path} is truncated or damaged ({reason}): export the scan again')


def write_like_scan(path: str, array: np.ndarray, scan, overwrite: bool = False) -> None:
    """Write ``array`` (``(X, Y, Z)`` or ``(X, Y, Z, C)``) as a NIfTI over ``scan``.

    ``scan`` is a :class:`Scan` (the NIfTI's own geometry and header) or a DICOM series
    (:class:`~.dicom_scan.DicomScan`, its grid); each says how through ``nifti_like``.
    The data type is the array's (uint8 labels, float32 coefficients); no intensity
    scaling is applied. Written whole (:func:`~attn_unet.fileio.atomic_write`), under
    a partial name of this process, which a later run removes if this one is killed.

    Raises:
        ToolError: ``path`` exists and ``overwrite`` is False.
    """
    import nibabel as nib

    if osp.exists(path) and not overwrite:
        raise ToolError(f'{path} exists: pass --overwrite to replace it, or another --out-dir')
    out = scan.nifti_like(array)
    with atomic_write(path, unique=True) as partial:  # nibabel picks gzip by the name's suffix
        nib.save(out, partial)


def _reason(exc: BaseException) -> str:
    return ' '.join(str(exc).split())[:120] or type(exc).__name__
