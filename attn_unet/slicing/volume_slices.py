"""A volume of any modality as the 2D slices a slice plan gives: the plan slicing's arithmetic.

The Decathlon / nnU-Net converter (:mod:`attn_unet.datasets.decathlon`) and the predictor
(:mod:`attn_unet.apis.predict.plan_slicing`, through :mod:`.case_slices`) take every step
from here, with the numbers of a
:class:`~.slice_plan.SlicePlan`, so a new scan is cut exactly as the training volumes were:

1. **One voxel order.** Every volume is permuted and flipped (never resampled) into the
   plan's canonical axis codes (``'LPS'`` for axial slices), whatever order it was stored in
   (:class:`attn_unet.volumes.VoxelOrder`).
2. **Slices.** The last canonical axis is the slice axis; slice ``z`` is ``volume[:, :, z].T``,
   so with ``'LPS'`` its rows run anterior to posterior and its columns patient right to
   left, as a radiologist reads an axial slice.
3. **Intensities.** Each channel is normalised as planned: CT clipped to its foreground
   window and z-scored with the foreground mean and std of the training set; any other
   modality z-scored per volume; ``'none'`` kept.
4. **2.5D.** With context K, the channels of slice z are, channel by channel, slices
   ``z - gap (K - 1) / 2 .. z + gap (K - 1) / 2`` (ends repeated): C channels x K slices.
5. **Files.** The stack is stored as float32 TIFF, losslessly (the normalised values do not
   fit 8-bit JPEG or PNG), read back by mmcv's ``LoadImageFromFile(imdecode_backend=
   'tifffile')`` bit for bit; labels are 8-bit PNG class ids (0..N-1, the plan maps them to
   and from the dataset's own label values).
"""

import io

import numpy as np

__all__ = [
    'decode_image',
    'encode_image',
    'encode_plan_label',
    'from_plan_slices',
    'normalise_channel',
    'slice_stack',
    'to_plan_slices',
]


def to_plan_slices(volume: np.ndarray) -> np.ndarray:
    """Canonical ``(X, Y, Z, ...)`` -> slices ``(Z, Y, X, ...)``; slice z is ``v[:, :, z].T``."""
    return np.transpose(volume, (2, 1, 0, *range(3, volume.ndim)))


def from_plan_slices(slices: np.ndarray) -> np.ndarray:
    """Slices ``(Z, Y, X, ...)`` -> canonical ``(X, Y, Z, ...)``: :func:`to_plan_slices` undone."""
    return np.transpose(slices, (2, 1, 0, *range(3, slices.ndim)))


def normalise_channel(volume: np.ndarray, channel: dict) -> np.ndarray:
    """One channel's intensities as planned, float32, same shape.

    Args:
        volume: The channel's voxels (any shape), as nibabel scales them.
        channel: The plan's entry: ``norm`` ``'ct'`` (with ``clip`` and the foreground
            ``mean`` / ``std``), ``'zscore'`` (this volume's own mean and std) or ``'none'``.
    """
    data = np.asarray(volume, dtype=np.float64)
    norm = channel['norm']
    if norm == 'ct':
        low, high = channel['clip']
        data = (np.clip(data, low, high) - channel['mean']) / max(channel['std'], 1e-8)
    elif norm == 'zscore':
        data = (data - data.mean()) / max(float(data.std()), 1e-8)
    elif norm != 'none':
        raise ValueError(f"channel norm must be 'ct', 'zscore' or 'none', got {norm!r}")
    return data.astype(np.float32)


def slice_stack(slices: np.ndarray, z: int, context: int = 1, gap: int = 1) -> np.ndarray:
    """The input of slice ``z``: ``(H, W)`` for one channel and K = 1, else ``(H, W, C K)``.

    Args:
        slices (C, Z, H, W): Every channel's normalised slices.
        z: The slice.
        context: K slices per channel (odd).
        gap: Distance in slices between stacked neighbours.
    """
    depth = slices.shape[1]
    half = (context - 1) // 2
    indices = [min(max(z + k * gap, 0), depth - 1) for k in range(-half, half + 1)]
    planes = [slices[c, i] for c in range(slices.shape[0]) for i in indices]
    if len(planes) == 1:
        return np.ascontiguousarray(planes[0], dtype=np.float32)
    return np.ascontiguousarray(np.stack(planes, axis=-1), dtype=np.float32)


def encode_image(stack: np.ndarray) -> bytes:
    """The float32 TIFF of an input stack ``(H, W)`` or ``(H, W, C)``: one page, lossless."""
    import tifffile

    buffer = io.BytesIO()
    stack = np.ascontiguousarray(stack, dtype=np.float32)
    if stack.ndim == 3 and stack.shape[2] == 1:  # one channel is one plane, as it loads
        stack = stack[..., 0]
    if stack.ndim == 2:
        tifffile.imwrite(buffer, stack, photometric='minisblack')
    else:  # one page of C samples, not H pages of W x C
        tifffile.imwrite(buffer, stack, photometric='minisblack', planarconfig='contig')
    return buffer.getvalue()


def decode_image(file_bytes: bytes) -> np.ndarray:
    """A slice file's bytes as ``LoadImageFromFile(imdecode_backend='tifffile')`` gives them
    (mmcv's tifffile backend is ``tifffile.imread`` of the bytes, as here)."""
    import tifffile

    return tifffile.imread(io.BytesIO(file_bytes))


def encode_plan_label(ids: np.ndarray) -> bytes:
    """The 8-bit PNG of a slice's class ids ``(H, W)``."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(ids, dtype=np.uint8)).save(buffer, format='PNG')
    return buffer.getvalue()
