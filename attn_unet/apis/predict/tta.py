"""Test-time augmentation of a batch: the softmax averaged over the image and its mirrors.

One function for CT slices and 2D images alike, so ``--tta flip`` means the same on both:
the model also sees each image mirrored along each slice axis its training mirrored along
(:mod:`attn_unet.datasets.trained_mirrors`: 0 the rows, 1 the columns), one mirror at a
time, and the mirrored probabilities, mirrored back, are averaged with the plain ones, as
mmseg's ``SegTTAModel`` averages ``tools/test.py --tta``'s views.
"""

from typing import Sequence

import numpy as np

from attn_unet.errors import ToolError
from attn_unet.runtime.slice_prediction import SlicePrediction

__all__ = ['TTA_MODES', 'refuse_untrained_tta', 'segment_batch']

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
        :class:`~attn_unet.runtime.SlicePrediction`: probabilities ``(N, C, H, W)``, the
        mean over the plain view and each mirrored one.
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


def refuse_untrained_tta(option: str, axes: Sequence[int], known: bool, alternative: str) -> None:
    """Refuse ``option`` in one line when training mirrored along no axis (or is unknown).

    Args:
        option: the option as typed (``'--tta flip'``).
        axes: the slice axes the training pipeline mirrored along.
        known: whether a training pipeline was found to read them from.
        alternative: what to do instead, besides dropping the option.

    Raises:
        ToolError: naming why and ``alternative``.
    """
    if not known:
        raise ToolError(
            f'{option} averages over the mirrors the model was trained with, and neither the '
            'checkpoint nor the config holds a training pipeline to read them from: drop '
            f'{option} ({alternative})'
        )
    if not tuple(axes):
        raise ToolError(
            f'{option} averages over the mirrors the model was trained with, and its training '
            'pipeline mirrors along no axis (no RandomFlip, RandomRotFlip or RandomAxisMirror '
            'with a probability above 0): a mirrored slice is one it never saw, and where '
            f'classes have sides the mirror swaps them; drop {option}, or {alternative}'
        )
