"""One case through a slice plan: its channel volumes to normalised slices, labels to and fro.

The converter writes what :func:`input_slices` and :func:`label_slices` give, and the
predictor feeds the network :func:`input_images` of a new scan (the same slices, through the
same file encoding and decoding the training loader read) and puts its prediction back on
the scan's grid with :func:`labels_on_scan_grid`, so the two never differ by a step.
"""

from typing import Iterator

import numpy as np

from .slice_plan import SlicePlan
from .volume_slices import (
    decode_image,
    encode_image,
    from_canonical,
    from_slice_axes,
    normalise_channel,
    slice_stack,
    to_canonical,
    to_slice_axes,
)

__all__ = ['input_images', 'input_slices', 'label_slices', 'labels_on_scan_grid']


def input_slices(plan: SlicePlan, channels: np.ndarray, affine: np.ndarray) -> np.ndarray:
    """A case's normalised slices ``(C, Z, H, W)`` float32.

    Args:
        plan: The slice plan.
        channels (C, X, Y, Z): The case's channel volumes as stored, as nibabel scales them.
        affine: Their common voxel -> world matrix.
    """
    out = []
    for volume, channel in zip(channels, plan.channels):
        canonical = to_canonical(volume, affine, plan.orientation)
        out.append(to_slice_axes(normalise_channel(canonical, channel)))
    return np.stack(out)


def input_images(plan: SlicePlan, channels: np.ndarray, affine: np.ndarray) -> Iterator:
    """A case's network inputs, slice by slice, exactly as the training loader read them.

    Each is :func:`~.volume_slices.slice_stack` of :func:`input_slices`, encoded as the
    converter writes it and decoded as ``LoadImageFromFile(imdecode_backend='tifffile')``
    reads it: ``(H, W)`` float32 for one channel and K = 1, else ``(H, W, C K)``.
    """
    slices = input_slices(plan, channels, affine)
    for z in range(slices.shape[1]):
        yield decode_image(encode_image(slice_stack(slices, z, plan.context, plan.slice_gap)))


def label_slices(plan: SlicePlan, label: np.ndarray, affine: np.ndarray) -> np.ndarray:
    """A case's class-id slices ``(Z, H, W)`` uint8 from its label volume ``(X, Y, Z)``.

    Raises:
        ValueError: the label holds a value the plan does not name.
    """
    return to_slice_axes(plan.class_ids(to_canonical(label, affine, plan.orientation)))


def labels_on_scan_grid(plan: SlicePlan, ids: np.ndarray, affine: np.ndarray) -> np.ndarray:
    """Predicted class ids ``(Z, H, W, ...)`` -> the dataset's label values on the scan's grid.

    Args:
        plan: The slice plan.
        ids (Z, H, W, ...): Class ids (or per-slice maps) in slice order.
        affine: The scan's voxel -> world matrix.

    Returns:
        ``(X, Y, Z, ...)`` in the scan's stored voxel order; class ids become the dataset's
        own label values when ``ids`` is an integer map.
    """
    volume = from_canonical(from_slice_axes(ids), affine, plan.orientation)
    if np.issubdtype(volume.dtype, np.integer):
        volume = plan.label_values_of(volume)
    return np.ascontiguousarray(volume)
