"""A NIfTI volume opened with every check once, its voxels read once, a label written like it.

:func:`open_nifti` reads the header and refuses, in one line naming the file, what cannot be
used: not a NIfTI file, an affine whose voxels span no volume (singular), a file shorter than
its header promises or a damaged gzip stream (:mod:`.nifti_whole`, which counts the voxels that
are not finite in the same pass). :meth:`NiftiVolume.read` then decodes the voxels once.
:func:`write_like` writes an array over a volume's grid (the volume's affine, qform / sform
codes and header; the array's own data type, no intensity scaling), whole or not at all. These
are nnU-Net v2's ``read_images`` and ``write_seg``: what the read learnt of the file goes back
to the writer, here as the opened volume itself.
"""

import os.path as osp
from dataclasses import dataclass

import numpy as np

from attn_unet.errors import VolumeError
from attn_unet.fileio import atomic_write

from .nifti_whole import check_whole
from .voxel_order import voxel_spacing
from .wording import damaged, short_reason

__all__ = [
    'MIN_VOXEL_VOLUME',
    'NIFTI_ENDINGS',
    'NiftiVolume',
    'is_nifti_path',
    'nifti_stem',
    'open_nifti',
    'read_header',
    'spatial_shape',
    'write_like',
]

NIFTI_ENDINGS = ('.nii.gz', '.nii')
# |det| of the affine's 3x3 part below this (mm^3 per voxel) is a degenerate geometry.
MIN_VOXEL_VOLUME = 1e-9


@dataclass
class NiftiVolume:
    """A NIfTI file opened and checked; its voxels are read by :meth:`read`.

    Attributes:
        path: the file.
        image: the nibabel image (header and affine; voxels not read yet).
        shape: its array shape less trailing axes of length 1: ``(X, Y, Z)`` or ``(X, Y, Z, C)``.
        non_finite: how many voxels are NaN or infinite (None when only the header was read).
    """

    path: str
    image: object
    shape: tuple
    non_finite: int | None = 0

    @property
    def affine(self) -> np.ndarray:
        """``(4, 4)`` voxel -> world (RAS mm)."""
        return np.asarray(self.image.affine)

    @property
    def spacing(self) -> tuple:
        """mm between voxel centres along each stored axis, from the affine."""
        return voxel_spacing(self.affine)

    @property
    def stem(self) -> str:
        return nifti_stem(self.path)

    def describe(self) -> str:
        return self.path

    def read(self, dtype=np.float64) -> np.ndarray:
        """The voxels, shape :attr:`shape`, as ``dtype`` with the header's scaling applied.

        ``dtype=None`` keeps the stored type (scaled when the header says so): what a label
        reads as.

        Raises:
            VolumeError: the file is truncated or its data cannot be decoded.
        """
        try:
            if dtype is None:
                data = np.asarray(self.image.dataobj)
            else:
                # not cached in the image: a run holds every volume it opened, and a cohort's
                # cached voxels would add up (0.4 GB per 512x512x200 CT in float64)
                data = np.asarray(self.image.get_fdata(dtype=dtype, caching='unchanged'))
        except Exception as exc:  # gzip, zlib, EOF and nibabel errors for damaged files
            raise damaged(self.path, short_reason(exc)) from exc
        return data.reshape(self.shape)

    def nifti_like(self, array: np.ndarray):
        """``array`` ``(X, Y, Z, ...)`` as a NIfTI with this volume's affine, forms and header.

        The data type is the array's; no intensity scaling.
        """
        header = self.image.header.copy()
        header.set_data_dtype(array.dtype)
        out = type(self.image)(array, self.image.affine, header)
        out.header.set_slope_inter(1.0, 0.0)
        for form in ('qform', 'sform'):
            matrix, code = getattr(self.image.header, f'get_{form}')(coded=True)
            if matrix is not None:
                getattr(out.header, f'set_{form}')(matrix, int(code))
        return out


def is_nifti_path(path: str) -> bool:
    """Whether ``path`` ends in ``.nii`` or ``.nii.gz``, in any case."""
    return str(path).lower().endswith(NIFTI_ENDINGS)


def nifti_stem(path: str) -> str:
    """``case7`` of ``/scans/case7.nii.gz``, ``case7.NII`` or ``case7.nii``."""
    name = osp.basename(str(path))
    for ending in NIFTI_ENDINGS:
        if name.lower().endswith(ending):
            return name[: -len(ending)]
    return osp.splitext(name)[0]


def spatial_shape(shape: tuple) -> tuple:
    """A NIfTI shape less trailing axes of length 1 (``(X, Y, Z, 1)`` is a 3D volume)."""
    shape = tuple(int(s) for s in shape)
    while len(shape) > 3 and shape[-1] == 1:
        shape = shape[:-1]
    return shape


def read_header(path: str, expected: str = 'a .nii or .nii.gz volume') -> NiftiVolume:
    """Open ``path``'s header only: a readable NIfTI file, its shape and affine.

    For what needs the grid alone (a metric's spacing); what reads voxels opens the file with
    :func:`open_nifti`. The voxels are not read, so :attr:`NiftiVolume.non_finite` is None.

    Raises:
        VolumeError: one line naming the file: missing, a folder, not NIfTI.
    """
    import nibabel as nib

    path = str(path)
    if not osp.isfile(path):
        kind = 'is a folder, not a file' if osp.isdir(path) else 'does not exist'
        raise VolumeError(f'{path} {kind}: pass {expected}')
    try:
        image = nib.load(path)
    except Exception as exc:  # nibabel raises many types for files that are not NIfTI
        raise VolumeError(
            f'{path} is not a readable NIfTI volume ({short_reason(exc)}): pass {expected}'
        ) from exc
    if not isinstance(image, (nib.Nifti1Image, nib.Nifti2Image)):
        raise VolumeError(
            f'{path} is a {type(image).__name__}, not a NIfTI volume: convert it to .nii.gz'
        )
    return NiftiVolume(path, image, spatial_shape(image.shape), None)


def open_nifti(path: str, expected: str = 'a .nii or .nii.gz volume') -> NiftiVolume:
    """Open ``path`` and check it: a NIfTI file, an affine that spans a volume, every byte there.

    One pass over the file checks its length (and gzip checksum) and counts its non-finite
    voxels (:func:`~.nifti_whole.check_whole`).

    Args:
        path: the file.
        expected: what to pass instead, for the message of a file that is not one.

    Raises:
        VolumeError: one line naming the file: missing, not NIfTI, a singular affine, cut
            short or damaged.
    """
    volume = read_header(path, expected)
    if abs(np.linalg.det(volume.affine[:3, :3])) < MIN_VOXEL_VOLUME:
        raise VolumeError(
            f'{volume.path} has a singular affine (its voxels span no volume): fix the '
            'qform/sform of the file, e.g. by exporting it again'
        )
    whole = check_whole(volume.path, volume.image)
    if whole.damage:
        raise damaged(volume.path, whole.damage)
    volume.non_finite = whole.non_finite
    return volume


def write_like(path: str, array: np.ndarray, like, overwrite: bool = False) -> None:
    """Write ``array`` (``(X, Y, Z)`` or ``(X, Y, Z, C)``) as a NIfTI over ``like``'s grid.

    ``like`` is anything opened here that says how through ``nifti_like``: a
    :class:`NiftiVolume` or a case (its first file's geometry and header) or a DICOM series
    (its grid). The data type is the array's (uint8 labels, float32 coefficients); no
    intensity scaling. Written whole (:func:`~attn_unet.fileio.atomic_write`), under a partial
    name of this process, which a later run removes if this one is killed.

    Raises:
        VolumeError: ``path`` exists and ``overwrite`` is False.
    """
    import nibabel as nib

    if osp.exists(path) and not overwrite:
        raise VolumeError(f'{path} exists: pass --overwrite to replace it, or another --out-dir')
    out = like.nifti_like(array)
    with atomic_write(path, unique=True) as partial:  # nibabel picks gzip by the name's suffix
        nib.save(out, partial)
