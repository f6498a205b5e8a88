"""Whether a NIfTI file holds every byte its header promises, checked before its voxels are used.

The promised length is the voxels' offset plus their bytes. A ``.nii.gz`` is decompressed
once for the check, which also verifies gzip's checksum: nibabel stops reading at the last
voxel and never reaches the checksum, so a damaged stream would give wrong voxels without a
word, and a cut one would fail only when its voxels are read. Decompressing costs a fraction
of a second per CT volume (0.36 s for 512x512x150 int16 on one core).
"""

import gzip
import os
import zlib

import numpy as np

__all__ = ['nifti_damage']

GZIP_MAGIC = b'\x1f\x8b'


def nifti_damage(path: str, image) -> str | None:
    """Why the NIfTI file at ``path`` is not whole, or None when it is.

    Args:
        path: the ``.nii`` or ``.nii.gz`` file.
        image: ``nibabel.load(path)`` (its header and data proxy; the voxels are not read).

    Returns:
        None, or a short reason such as ``'81920 of the 163840 bytes its header promises'``
        or gzip's own words (``'CRC check failed ...'``).
    """
    header = image.header
    voxels = int(np.prod(header.get_data_shape(), dtype=np.int64))
    # the data proxy holds the offset read from the file; nibabel zeroes it in image.header
    promised = int(image.dataobj.offset) + voxels * header.get_data_dtype().itemsize
    with open(path, 'rb') as stream:
        compressed = stream.read(2) == GZIP_MAGIC
        length = os.fstat(stream.fileno()).st_size
    if compressed:
        try:
            length = _decompressed_length(path)
        except (EOFError, OSError, zlib.error) as exc:
            return ' '.join(str(exc).split())[:120] or type(exc).__name__
    if length < promised:
        return f'{length} of the {promised} bytes its header promises'
    return None


def _decompressed_length(path: str) -> int:
    """Bytes of the whole gzip stream (every member), its checksums verified."""
    length = 0
    with gzip.open(path, 'rb') as stream:
        while chunk := stream.read(1 << 22):
            length += len(chunk)
    return length
