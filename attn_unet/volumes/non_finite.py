"""One non-finite policy: a volume with NaN or infinite voxels is refused, or filled when asked.

Counting happens when a volume is opened (:mod:`.nifti_whole`; a DICOM series with a
non-finite rescale). Whoever reads volumes (the converters, the predictor) calls
:func:`check_non_finite` before anything is written: without the option that allows them the
volume is refused in one line with the count; with it, a note says what they become, and
:func:`fill_non_finite` puts in each channel's fill value: air (-1024 HU) in CT, 0 in any
other modality (no signal in MR, whose background is 0 once z-scored or not).
"""

from typing import Sequence

import numpy as np

from attn_unet.errors import VolumeError

__all__ = ['AIR_HU', 'check_non_finite', 'fill_non_finite', 'fill_value', 'fill_words']

AIR_HU = -1024.0


def fill_value(modality: str) -> float:
    """What a non-finite voxel of a ``modality`` channel (``'CT'``, ``'T2'``...) becomes."""
    return AIR_HU if str(modality).strip().upper() == 'CT' else 0.0


def fill_words(modalities: Sequence[str]) -> str:
    """How the fill reads in a message: ``'air (-1024 HU)'``, ``'0'``, or both, per channel."""
    kinds = {fill_value(m) for m in modalities}
    if kinds == {AIR_HU}:
        return f'air ({AIR_HU:g} HU)'
    if kinds == {0.0}:
        return '0'
    return f'air ({AIR_HU:g} HU) in CT channels and 0 in the others'


def check_non_finite(
    what: str, count: int, total: int, modalities: Sequence[str], allow: bool, option: str
) -> str | None:
    """Refuse ``count`` non-finite voxels of ``what`` unless ``allow``; else the note to print.

    Args:
        what: the volume, as messages name it (a path, ``case X (path)``, a series).
        count: its NaN and infinite voxels, over all channels.
        total: its voxels, over all channels.
        modalities: its channels' modalities, for the fill.
        allow: whether ``option`` was given.
        option: the option that allows them (``--allow-non-finite``).

    Returns:
        None when there are none, else a one-line note saying what they become.

    Raises:
        VolumeError: there are some and ``allow`` is False.
    """
    if not count:
        return None
    fill = fill_words(modalities)
    if not allow:
        raise VolumeError(
            f'{what} has {count} of {total} voxels that are not finite (NaN or inf): fix the '
            f'volume, or pass {option} to read them as {fill}'
        )
    return (
        f'{what}: {count} of {total} voxels are not finite; reading them as {fill}, as '
        f'{option} asks'
    )


def fill_non_finite(channels: np.ndarray, modalities: Sequence[str]) -> np.ndarray:
    """``channels`` ``(C, ...)`` float with each channel's non-finite voxels filled, in place."""
    for channel, modality in zip(channels, modalities):
        channel[~np.isfinite(channel)] = fill_value(modality)
    return channels
