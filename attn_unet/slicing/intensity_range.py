"""What intensities a training set held, and whether a new scan's are far from them.

A model learns the intensities of its training volumes. A scan far outside them (an MR into
a CT model, a scan already normalised, CT with 1024 added to every HU, a PET) is still cut
and segmented, and the answer is wrong without a word; nnU-Net's and this project's
normalisation (clip to a window, z-score) hides the difference from the network. So the
converters record, per channel, the 0.5th and 99.5th percentile of every training volume
(a volume's percentiles, all its voxels counted: the air around the body included), and a
predictor holds each scan to them:

- **low** and **high**: the range of the training volumes' low (0.5 %) and high (99.5 %)
  percentiles, ``[min, max]`` over the cases;
- a scan is **far** when its low or high percentile lies more than a quarter of the training
  range's width (mean high - mean low) outside those ranges, or its own width is below a
  quarter of the narrowest training width or above four times the widest.

In HU, air is -1000 and a CT volume's low percentile is air (or the scanner's padding below
it); an MR volume's or an offset CT's is near 0, a normalised volume's width a few units:
each is far from a CT training set by hundreds of HU. A checkpoint converted before ranges
were recorded is held, for CT channels, to the HU scale itself (:data:`CT_PRIOR`); its other
channels are not checked.
"""

from typing import List, Sequence

import numpy as np

__all__ = [
    'CT_PRIOR',
    'PERCENTILES',
    'channel_range',
    'far_reason',
    'ranges_or_prior',
    'scan_percentiles',
]

PERCENTILES = (0.5, 99.5)
SAMPLE_VOXELS = 1_000_000  # a volume's percentiles from an even stride through its voxels
MARGIN = 0.25  # of the training range's width
WIDTH_FACTOR = 4.0
# HU itself, for CT checkpoints that record no range: air (-1000; padding down to -3024) is
# the low percentile of any CT volume, bone or contrast (100 to 3071) its high one.
CT_PRIOR = dict(channel='CT', percentiles=list(PERCENTILES), low=[-3024.0, -900.0],
                high=[100.0, 3071.0], cases=0, source='the Hounsfield scale')  # fmt: skip


def scan_percentiles(volume: np.ndarray) -> tuple[float, float]:
    """The 0.5th and 99.5th percentile of a volume's finite voxels (an even sample of up to
    :data:`SAMPLE_VOXELS`)."""
    flat = np.asarray(volume).reshape(-1)
    step = max(1, flat.size // SAMPLE_VOXELS)
    sample = flat[::step].astype(np.float64)
    sample = sample[np.isfinite(sample)]
    if not sample.size:
        return float('nan'), float('nan')
    low, high = np.percentile(sample, PERCENTILES)
    return float(low), float(high)


def channel_range(name: str, per_case: Sequence[tuple[float, float]]) -> dict:
    """The record of one channel from each training case's ``(low, high)`` percentiles."""
    lows = [float(low) for low, _ in per_case]
    highs = [float(high) for _, high in per_case]
    return dict(
        channel=name,
        percentiles=list(PERCENTILES),
        low=[min(lows), max(lows)],
        high=[min(highs), max(highs)],
        cases=len(per_case),
    )


def far_reason(found: tuple[float, float], expected: dict) -> str | None:
    """Why a scan's ``(low, high)`` percentiles are far from a channel's record, or None.

    Returns:
        ``'the low percentile'``, ``'the high percentile'`` or ``'the spread'``, or None
        when the scan is within the margins.
    """
    low, high = found
    (low_min, low_max), (high_min, high_max) = expected['low'], expected['high']
    width = (high_min + high_max) / 2 - (low_min + low_max) / 2
    margin = MARGIN * max(width, 0.0)
    if not (np.isfinite(low) and np.isfinite(high)):
        return 'no finite voxel'
    if not low_min - margin <= low <= low_max + margin:
        return 'the low percentile'
    if not high_min - margin <= high <= high_max + margin:
        return 'the high percentile'
    narrowest, widest = max(high_min - low_max, 0.0), high_max - low_min
    if high - low < narrowest / WIDTH_FACTOR or high - low > widest * WIDTH_FACTOR:
        return 'the spread'
    return None


def ranges_or_prior(recorded: List[dict] | None, channels: Sequence[str], ct: Sequence[bool]):
    """Per channel, the recorded range, else :data:`CT_PRIOR` for a CT channel, else None."""
    by_name = {entry['channel']: entry for entry in recorded or []}
    return [
        by_name.get(name) or (dict(CT_PRIOR, channel=name) if is_ct else None)
        for name, is_ct in zip(channels, ct)
    ]
