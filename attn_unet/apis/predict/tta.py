"""Test-time augmentation of a batch: the softmax averaged over the image and its mirrors.

One function for CT slices and 2D images alike, so ``--tta flip`` means the same on both:
the model also sees each image mirrored along each slice axis its training mirrored along
(:mod:`attn_unet.datasets.trained_mirrors`: 0 the rows, 1 the columns), one mirror at a
time, and the mirrored probabilities, mirrored back, are averaged with the plain ones, as
mmseg's ``SegTTAModel`` averages ``tools/test.py --tta``'s views.
"""

from typing import Sequence

import numpy as np

from .slice_prediction import SlicePrediction

__all__ = ['TTA_MODES', 'segment_batch']

TTA_MODES = ('none', 'flip')


def segment_batch(
    segmentor, images: Sequence[np.ndarray], attention: bool = False, tta: Sequence[int] = ()
) -> SlicePrediction:
    """Segment ``images`` (each ``(H, W, C)`` or ``(H, W)`` as loaded), averaged over mirrors.

    Args:
        segmentor: a :class:`~.slice_segmentor.SliceSegmentor` (or anything called the same).
        images: a batch of images of one size.
        attention: also return the gate coefficients (of the plain images).
        tta: the slice axes to mirror along (0 rows, 1 columns), one view each; ``()``: none.

    Returns:
        :class:`~.slice_prediction.SlicePrediction`: probabilities ``(N, C, H, W)``, the mean
        over the plain view and each mirrored one.
    """
    axes = tuple(tta)
    if isinstance(tta, str) or any(a not in (0, 1) for a in axes):
        raise ValueError(f'tta must be slice axes of (0, 1), got {tta!r}')
    prediction = segmentor(images, attention=attention)
    if not axes:
        return prediction
    total = prediction.probs
    for axis in axes:
        mirrored = segmentor([np.ascontiguousarray(np.flip(image, axis)) for image in images])
        total = total + np.flip(mirrored.probs, axis + 2)
    prediction.probs = total / (1 + len(axes))
    return prediction
