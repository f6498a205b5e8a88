"""``--save-probabilities``: the class probabilities of a volume, on the scan's own grid.

The probabilities are those the labels are the argmax of (an ensemble's mean, after any
test-time augmentation), float32, so the argmax of the written file is the written labels
voxel for voxel (before ``--postprocess``, which changes labels only). Two formats:

- ``nifti`` (default): ``<name>_prob_<k>_<class>.nii.gz``, one float32 volume per class k
  (background first), each with the scan's affine and header, as a viewer overlays it;
- ``npz``: ``<name>.npz`` holding ``probabilities`` ``(C, Z, Y, X)`` float32, nnU-Net's
  ``--save_probabilities`` file (the NIfTI voxel axes reversed, as SimpleITK reads them).

Memory stays bounded on a large scan: each batch of slices is written into a memory-mapped
scratch file ``(C, Z, H, W)`` beside the outputs (a hidden partial name the next run removes
if this one is killed); the outputs are then written one class volume at a time.
"""

import os
import os.path as osp
import re
import zipfile
from typing import List, Sequence

import numpy as np

from attn_unet.errors import ToolError
from attn_unet.fileio import atomic_write, partial_name
from attn_unet.volumes import write_like

__all__ = ['PROBABILITY_FORMATS', 'ProbabilityWriter', 'probability_paths']

PROBABILITY_FORMATS = ('nifti', 'npz')
NPZ_KEY = 'probabilities'


def probability_paths(out_dir: str, stem: str, classes: Sequence[str], fmt: str) -> List[str]:
    """The files ``--save-probabilities`` writes for the scan ``stem``, in class order."""
    base = osp.join(out_dir, stem)
    if fmt == 'npz':
        return [f'{base}.npz']
    return [f'{base}_prob_{k}_{_slug(name)}.nii.gz' for k, name in enumerate(classes)]


class ProbabilityWriter:
    """Collects a volume's slice probabilities, then writes them onto the scan's grid.

    Called with each batch (``writer(start, probs)``, as
    :func:`~.slice_loop.segment_slices` calls it); :meth:`write` then writes the files.
    Use as a context manager: the scratch file is removed on the way out, whatever happens.

    Args:
        scratch_for: the ``.npy`` name the scratch file is the hidden partial name of.
        count: the number of slices (may be set before the first batch).
    """

    def __init__(self, scratch_for: str, count: int = 0) -> None:
        self.scratch = partial_name(scratch_for, unique=True)
        self.count = count
        self.array = None

    def __enter__(self) -> 'ProbabilityWriter':
        return self

    def __exit__(self, *exc) -> None:
        self.array = None  # the memory map closes with its last reference
        if osp.exists(self.scratch):
            os.remove(self.scratch)

    def __call__(self, start: int, probs: np.ndarray) -> None:
        """Keep ``probs`` ``(N, C, H, W)`` of slices ``start .. start + N - 1``."""
        if self.array is None:
            shape = (probs.shape[1], self.count, *probs.shape[2:])
            self.array = np.lib.format.open_memmap(self.scratch, 'w+', np.float32, shape)
        self.array[:, start : start + len(probs)] = probs.transpose(1, 0, 2, 3)

    def write(self, paths: Sequence[str], fmt: str, to_volume, like, overwrite: bool) -> None:
        """Write the probabilities on the scan's grid.

        Args:
            paths: :func:`probability_paths`.
            fmt: ``'nifti'`` or ``'npz'``.
            to_volume: per-slice maps ``(Z, H, W)`` -> ``(X, Y, Z)`` in the scan's order (the
                slicing's ``to_volume`` with the scan's affine).
            like: the opened scan (its grid and header, :func:`attn_unet.volumes.write_like`).
            overwrite: replace existing files.
        """
        classes = range(self.array.shape[0])
        if fmt == 'nifti':
            for k, path in zip(classes, paths):
                write_like(path, _volume(to_volume, self.array[k]), like, overwrite)
            return
        (path,) = paths
        if osp.exists(path) and not overwrite:
            raise ToolError(f'{path} exists: pass --overwrite to replace it, or another --out-dir')
        with atomic_write(path, unique=True) as partial:
            with zipfile.ZipFile(partial, 'w', zipfile.ZIP_DEFLATED) as archive:
                with archive.open(f'{NPZ_KEY}.npy', 'w', force_zip64=True) as member:
                    for k in classes:  # one class volume at a time, in (Z, Y, X) order
                        volume = np.ascontiguousarray(_volume(to_volume, self.array[k]).T)
                        if k == 0:
                            header = dict(descr=np.lib.format.dtype_to_descr(volume.dtype),
                                          fortran_order=False,
                                          shape=(len(classes), *volume.shape))  # fmt: skip
                            np.lib.format.write_array_header_1_0(member, header)
                        _write_chunks(member, volume)
                        del volume


def _write_chunks(member, array: np.ndarray, chunk: int = 1 << 20) -> None:
    """``array``'s bytes in pieces: zlib given a whole volume at once holds copies of it."""
    data = memoryview(array.reshape(-1)).cast('B')
    for start in range(0, len(data), chunk):
        member.write(data[start : start + chunk])


def _volume(to_volume, slices: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(to_volume(slices), dtype=np.float32)


def _slug(name: str) -> str:
    return re.sub(r'[^A-Za-z0-9]+', '-', name).strip('-').lower() or 'class'
