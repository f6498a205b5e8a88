"""One case through a slice plan: its channel volumes to normalised slices, labels to and fro.

The converter writes what :func:`input_slices` and :func:`label_slices` give, and the
predictor feeds the network :func:`input_images` of a new scan (the same slices, through the
same file encoding and decoding the training loader read) and puts its prediction back on
the scan's grid with :func:`on_scan_grid` (:func:`labels_on_scan_grid` with the dataset's label
values), so the two never differ by a step.
"""

from typing import Iterator

import numpy as np

from attn_unet.volumes import VoxelOrder

from .slice_plan import SlicePlan
from .volume_slices import (
    decode_image,
    encode_image,
    from_plan_slices,
    normalise_channel,
    slice_stack,
    to_plan_slices,
)

__all__ = [
    'input_images',
    'input_slices',
    'input_stacks',
    'label_slices',
    'labels_on_scan_grid',
    'on_scan_grid',
]


def input_slices(plan: SlicePlan, channels: np.ndarray, affine: np.ndarray) -> np.ndarray:
    """A case's normalised slices ``(C, Z, H, W)`` float32.

    Args:
        plan: The slice plan.
        channels (C, X, Y, Z): The case's channel volumes as stored, as nibabel scales them.
        affine: Their common voxel -> world matrix.
    """
    out, order = [], VoxelOrder.of(affine, plan.orientation)
    for volume, channel in zip(channels, plan.channels):
        canonical = order.to_target(volume)
        out.append(to_plan_slices(normalise_channel(canonical, channel)))
    return np.stack(out)


def input_stacks(plan: SlicePlan, channels: np.ndarray, affine: np.ndarray) -> Iterator:
    """A case's network inputs, slice by slice: :func:`~.volume_slices.slice_stack` of
    :func:`input_slices`, ``(H, W)`` float32 for one channel and K = 1, else ``(H, W, C K)``.

    The converter stores each as a float32 TIFF, which is lossless: these are the arrays the
    training loader read, bit for bit (:func:`input_images` makes the round trip itself).
    """
    slices = input_slices(plan, channels, affine)
    for z in range(slices.shape[1]):
        yield slice_stack(slices, z, plan.context, plan.slice_gap)


def input_images(plan: SlicePlan, channels: np.ndarray, affine: np.ndarray) -> Iterator:
    """A case's network inputs, slice by slice, exactly as the training loader read them.

    Each of :func:`input_stacks`, encoded as the converter writes it and decoded as
    ``LoadImageFromFile(imdecode_backend='tifffile')`` reads it.
    """
    for stack in input_stacks(plan, channels, affine):
        yield decode_image(encode_image(stack))


def label_slices(plan: SlicePlan, label: np.ndarray, affine: np.ndarray) -> np.ndarray:
    """A case's class-id slices ``(Z, H, W)`` uint8 from its label volume ``(X, Y, Z)``.

    Raises:
        ValueError: the label holds a value the plan does not name.
    """
    canonical = VoxelOrder.of(affine, plan.orientation).to_target(label)
    return to_plan_slices(plan.class_ids(canonical))


def on_scan_grid(plan: SlicePlan, slices: np.ndarray, affine: np.ndarray) -> np.ndarray:
    """Per-slice maps ``(Z, H, W, ...)`` in slice order -> ``(X, Y, Z, ...)`` in the scan's order.

    Args:
        plan: The slice plan.
        slices (Z, H, W, ...): Class ids or per-slice maps (attention), in slice order.
        affine: The scan's voxel -> world matrix.
    """
    order = VoxelOrder.of(affine, plan.orientation)
    return np.ascontiguousarray(order.to_stored(from_plan_slices(slices)))


def labels_on_scan_grid(plan: SlicePlan, ids: np.ndarray, affine: np.ndarray) -> np.ndarray:
    """Predicted class ids ``(Z, H, W)`` -> the dataset's label values on the scan's grid.

    Args:
        plan: The slice plan.
        ids (Z, H, W): Class ids in slice order.
        affine: The scan's voxel -> world matrix.

    Returns:
        ``(X, Y, Z)`` in the scan's stored voxel order, the dataset's own label values.
    """
    return plan.label_values_of(on_scan_grid(plan, ids, affine))
