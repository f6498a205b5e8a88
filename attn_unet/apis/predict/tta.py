"""Test-time augmentation of a batch: the softmax of each image averaged with its mirror's.

One function for CT slices and 2D images alike, so ``--tta flip`` means the same on
both: the model also sees each image mirrored left-right (its second axis), and the
mirrored probabilities, mirrored back, are averaged with the plain ones.
"""

from typing import Sequence

import numpy as np

from .slice_segmentor import SlicePrediction

__all__ = ['TTA_MODES', 'segment_batch']

TTA_MODES = ('none', 'flip')


def segment_batch(
    segmentor, images: Sequence[np.ndarray], attention: bool = False, tta: str = 'none'
) -> SlicePrediction:
    """Segment ``images`` (each ``(H, W, C)`` as loaded), with ``tta`` ``'none'`` or ``'flip'``.

    Args:
        segmentor: a :class:`~.slice_segmentor.SliceSegmentor` (or anything called the same).
        images: a batch of images of one size.
        attention: also return the gate coefficients (of the plain images).
        tta: ``'flip'`` averages the probabilities with those of the mirrored images.

    Returns:
        :class:`~.slice_segmentor.SlicePrediction`: probabilities ``(N, C, H, W)``.
    """
    if tta not in TTA_MODES:
        raise ValueError(f'tta must be one of {TTA_MODES}, got {tta!r}')
    prediction = segmentor(images, attention=attention)
    if tta == 'flip':
        mirrored = segmentor([np.ascontiguousarray(image[:, ::-1]) for image in images])
        prediction.probs = (prediction.probs + mirrored.probs[..., ::-1]) / 2
    return prediction
