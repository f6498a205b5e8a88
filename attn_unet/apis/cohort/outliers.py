"""Which values of a cohort stand out: distance from the median in median absolute deviations.

A failed segmentation shows first as a volume far from the cohort's: a liver of 40 ml, a
spleen of 3 l. The median and the median absolute deviation (MAD) are robust to the very
outliers they look for, as the mean and standard deviation are not. The MAD is scaled by
1.4826, so that for normally distributed values it estimates the standard deviation and a
threshold of 3 reads as "3 sigma" (Leys et al. 2013, J. Exp. Soc. Psychol. 49(4)).
"""

from typing import List, Sequence

import numpy as np

__all__ = ['MAD_SCALE', 'MIN_VALUES', 'robust_scores']

MAD_SCALE = 1.4826
# Fewer values than this give no scores: a median of three says little.
MIN_VALUES = 5


def robust_scores(values: Sequence[float | None]) -> List[float | None]:
    """Each value's signed distance from the median, in scaled MADs.

    Args:
        values: one per case; None (or NaN) for a case without one (failed, skipped).

    Returns:
        One score per value: ``(v - median) / (1.4826 * MAD)`` over the values present;
        None for a missing value, and for all of them when fewer than :data:`MIN_VALUES`
        are present. When the MAD is 0 (half the values equal), a value equal to the
        median scores 0 and any other +-inf: it differs from the bulk, which is identical.
    """
    present = [(i, float(v)) for i, v in enumerate(values) if v is not None and np.isfinite(v)]
    scores: List[float | None] = [None] * len(values)
    if len(present) < MIN_VALUES:
        return scores
    array = np.array([v for _, v in present])
    median = float(np.median(array))
    mad = MAD_SCALE * float(np.median(np.abs(array - median)))
    for i, v in present:
        if mad > 0:
            scores[i] = (v - median) / mad
        else:
            scores[i] = 0.0 if v == median else float(np.copysign(np.inf, v - median))
    return scores
