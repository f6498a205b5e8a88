"""Segment slice images in batches, in order: the loop every volume goes through.

The images come from a checkpoint's slicing (:mod:`.slicing`: the Synapse converter's slices
or a slice plan's), each as the training loader gave a slice; the labels and gate
coefficients come back in slice order, for the slicing to put back on the volume's grid.
"""

from typing import Dict, Iterable

import numpy as np

from .tta import segment_batch

__all__ = ['segment_slices']


def segment_slices(
    segmentor,
    images: Iterable[np.ndarray],
    batch_size: int = 8,
    tta: tuple = (),
    attention: bool = False,
    progress=None,
    probabilities=None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Segment slice images in batches, in order.

    Args:
        segmentor: runs batches of slice images.
        images: each ``(H, W)`` or ``(H, W, C)`` as the training loader gives a slice.
        batch_size: slices per forward pass.
        tta: the slice axes to mirror along (0 rows, 1 columns): the softmax of each slice is
            averaged with that of each mirror; ``()``: none.
        attention: also return the gate coefficients.
        progress: optional callable given the number of slices done after each batch.
        probabilities: optional callable given ``(first slice index, probs (N, C, H, W))``
            of each batch: the probabilities the labels are the argmax of.

    Returns:
        ``(labels (Z, H, W) uint8, attention (Z, H, W, S) float32 or None)``, in slice order.
    """
    labels, maps, batch, done = [], [], [], [0]

    def run() -> None:
        prediction = segment_batch(segmentor, batch, attention, tta)
        if probabilities is not None:
            probabilities(done[0], prediction.probs)
        done[0] += len(batch)
        # uint8 per batch: int64 ids of a 512x512x200 CT held 0.4 GB, and their concatenation
        # as much again, more than the network's peak
        labels.append(prediction.probs.argmax(axis=1).astype(np.uint8))
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
    return np.concatenate(labels), attention_slices


def _per_stage(attention: Dict[int, np.ndarray]) -> Dict[int, np.ndarray]:
    return {stage: alpha.astype(np.float32) for stage, alpha in attention.items()}
