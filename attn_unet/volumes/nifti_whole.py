"""Whether a NIfTI file holds every byte its header promises, and its non-finite voxels: one pass.

The promised length is the voxels' offset plus their bytes. A ``.nii.gz`` is decompressed
once for the check, which also verifies gzip's checksum: nibabel stops reading at the last
voxel and never reaches the checksum, so a damaged stream would give wrong voxels without a
word, and a cut one would fail only when its voxels are read. Voxels stored as floats are
counted in the same pass (NaN and infinities), so opening a volume decompresses it once and
reading its voxels once more. (Integer voxels are finite whatever nibabel's scaling: it takes
a non-finite slope as no scaling and refuses a non-finite intercept.) Decompressing costs a
fraction of a second per CT volume (0.36 s for 512x512x150 int16 on one core).
"""

import gzip
import os
import zlib
from dataclasses import dataclass

import numpy as np

from .wording import short_reason

__all__ = ['WholeFile', 'check_whole']

GZIP_MAGIC = b'\x1f\x8b'
CHUNK = 1 << 22


@dataclass(frozen=True)
class WholeFile:
    """What one pass over a NIfTI file found.

    Attributes:
        damage: None for a whole file, else a short reason such as ``'81920 of the 163840
            bytes its header promises'`` or gzip's own words (``'CRC check failed ...'``).
        non_finite: voxels that are NaN or infinite (0 for a damaged file).
    """

    damage: str | None
    non_finite: int = 0


def check_whole(path: str, image) -> WholeFile:
    """Read ``path`` once: its length against its header's promise, its non-finite voxels.

    Args:
        path: the ``.nii`` or ``.nii.gz`` file.
        image: ``nibabel.load(path)`` (its header and data proxy; the voxels are not read).
    """
    header = image.header
    dtype = header.get_data_dtype()
    voxels = int(np.prod(header.get_data_shape(), dtype=np.int64))
    # the data proxy holds the offset read from the file; nibabel zeroes it in image.header
    offset = int(image.dataobj.offset)
    promised = offset + voxels * dtype.itemsize
    counter = _NonFiniteCounter(dtype, offset, promised) if dtype.kind in 'fc' else None
    with open(path, 'rb') as raw:
        compressed = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        if not compressed and counter is None:
            length = os.fstat(raw.fileno()).st_size
        else:
            try:
                length = _read_through(gzip.GzipFile(fileobj=raw) if compressed else raw, counter)
            except (EOFError, OSError, zlib.error) as exc:
                return WholeFile(short_reason(exc))
    if length < promised:
        return WholeFile(f'{length} of the {promised} bytes its header promises')
    return WholeFile(None, counter.count if counter else 0)


def _read_through(stream, counter) -> int:
    """Bytes of the whole stream (every gzip member, its checksums verified), counted on."""
    length = 0
    while chunk := stream.read(CHUNK):
        if counter is not None:
            counter.feed(length, chunk)
        length += len(chunk)
    return length


class _NonFiniteCounter:
    """Counts NaN and inf among the voxel bytes ``[offset, end)`` of a stream read in chunks."""

    def __init__(self, dtype: np.dtype, offset: int, end: int) -> None:
        self.dtype, self.offset, self.end = dtype, offset, end
        self.pending = b''
        self.count = 0

    def feed(self, position: int, chunk: bytes) -> None:
        start = max(self.offset - position, 0)
        stop = min(self.end - position, len(chunk))
        if start >= stop:
            return
        data = self.pending + chunk[start:stop]
        whole = len(data) - len(data) % self.dtype.itemsize
        values = np.frombuffer(data[:whole], dtype=self.dtype)
        self.count += int(values.size - np.count_nonzero(np.isfinite(values)))
        self.pending = data[whole:]
