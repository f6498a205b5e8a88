"""Segment a whole CT volume slice by slice, as the model was trained, and stack it back.

Every step of the slice preparation is the converter's, from
:mod:`attn_unet.datasets.ct_slices`: window and scale, the converter's axis order,
the 2.5D neighbour stacks, and the very file encoding (a grey JPEG for K = 1,
decoded as the training loader decodes it), so a slice of a new scan reaches the
model bit for bit as a converted slice of the same scan reached it in training
and in ``tools/test.py``.
"""

from dataclasses import dataclass
from typing import Dict, Iterable, Iterator

import numpy as np

from attn_unet.datasets.ct_slices import (
    SliceSpec,
    as_loaded,
    encode_slice,
    from_slice_axes,
    scale_hu,
    slice_image,
    to_slice_axes,
)

from .slice_segmentor import SliceSegmentor
from .tta import TTA_MODES, segment_batch

__all__ = ['VolumePrediction', 'VolumePredictor', 'segment_slices']


@dataclass
class VolumePrediction:
    """What a volume's prediction holds, in the voxel order the volume was given in.

    Attributes:
        labels: ``(X, Y, Z)`` uint8 class ids (0 background).
        attention: ``(X, Y, Z, S)`` float32 coefficients of the S gated stages (finest
            first), or None.
    """

    labels: np.ndarray
    attention: np.ndarray | None = None


class VolumePredictor:
    """Cut slices from a volume, segment them in batches, stack the labels back.

    Args:
        segmentor: runs batches of slice images.
        spec: how the training slices were cut (K, gap, HU window).
        batch_size: slices per forward pass.
        tta: ``'flip'`` averages the softmax of each slice and of its horizontal mirror.
    """

    def __init__(
        self, segmentor: SliceSegmentor, spec: SliceSpec, batch_size: int = 8, tta: str = 'none'
    ) -> None:
        if tta not in TTA_MODES:
            raise ValueError(f'tta must be one of {TTA_MODES}, got {tta!r}')
        self.segmentor = segmentor
        self.spec = spec
        self.batch_size = batch_size
        self.tta = tta

    def slice_images(self, volume: np.ndarray) -> Iterator[np.ndarray]:
        """Loaded images ``(X, Y, C)`` uint8 of ``volume`` ``(X, Y, Z)`` in HU, slice by slice."""
        slices = to_slice_axes(scale_hu(volume, self.spec))
        for z in range(len(slices)):
            file_bytes = encode_slice(slice_image(slices, z, self.spec), self.spec)
            yield as_loaded(file_bytes, self.spec)

    def predict(self, volume: np.ndarray, attention: bool = False, progress=None):
        """Segment ``volume`` ``(X, Y, Z)`` in Hounsfield units, in the training voxel order.

        Args:
            volume: the scan, already in the training volumes' voxel order.
            attention: also return the gate coefficients.
            progress: optional callable given the number of slices done after each batch.

        Returns:
            :class:`VolumePrediction` in the same voxel order as ``volume``.
        """
        labels, maps = segment_slices(
            self.segmentor, self.slice_images(volume), self.batch_size, self.tta, attention,
            progress,
        )  # fmt: skip
        attention_volume = None if maps is None else from_slice_axes(maps)
        return VolumePrediction(np.ascontiguousarray(from_slice_axes(labels)), attention_volume)


def segment_slices(
    segmentor: SliceSegmentor,
    images: Iterable[np.ndarray],
    batch_size: int = 8,
    tta: str = 'none',
    attention: bool = False,
    progress=None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Segment slice images in batches, in order: the loop every volume predictor runs.

    Args:
        segmentor: runs batches of slice images.
        images: each ``(H, W)`` or ``(H, W, C)`` as the training loader gives a slice.
        batch_size: slices per forward pass.
        tta: ``'flip'`` averages the softmax of each slice and of its horizontal mirror.
        attention: also return the gate coefficients.
        progress: optional callable given the number of slices done after each batch.

    Returns:
        ``(labels (Z, H, W) uint8, attention (Z, H, W, S) float32 or None)``, in slice order.
    """
    labels, maps, batch = [], [], []

    def run() -> None:
        prediction = segment_batch(segmentor, batch, attention, tta)
        labels.append(prediction.probs.argmax(axis=1))
        if attention:
            maps.append(_per_stage(prediction.attention))
        if progress is not None:
            progress(len(batch))

    for image in images:
        batch.append(image)
        if len(batch) == batch_size:
            run()
            batch = []
    if batch:
        run()
    attention_slices = None
    if attention and maps and maps[0]:
        stages = sorted(maps[0])
        stacked = np.concatenate([np.stack([m[s] for s in stages], -1) for m in maps])
        attention_slices = stacked.astype(np.float32)
    return np.concatenate(labels).astype(np.uint8), attention_slices


def _per_stage(attention: Dict[int, np.ndarray]) -> Dict[int, np.ndarray]:
    return {stage: alpha.astype(np.float32) for stage, alpha in attention.items()}
