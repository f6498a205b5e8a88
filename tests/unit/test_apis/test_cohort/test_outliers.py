"""robust_scores: distance from the median in scaled MADs, held to numpy's own median."""

import numpy as np
import pytest

from attn_unet.apis.cohort import MAD_SCALE, robust_scores


def test_scores_are_distances_from_the_median_in_scaled_mads():
    values = [1500.0, 1620.0, 1480.0, 1710.0, 1550.0, 40.0, 3900.0]
    median = np.median(values)
    mad = MAD_SCALE * np.median(np.abs(np.array(values) - median))
    scores = robust_scores(values)
    assert scores == pytest.approx([(v - median) / mad for v in values])
    flagged = [v for v, s in zip(values, scores) if abs(s) > 3]
    assert flagged == [40.0, 3900.0]  # the failed liver and the spilled one, nothing else


def test_missing_values_are_skipped_and_score_none():
    values = [10.0, None, 11.0, 12.0, float('nan'), 9.0, 10.5, 50.0]
    scores = robust_scores(values)
    assert scores[1] is None and scores[4] is None
    present = [v for v in values if v is not None and v == v]
    median = np.median(present)
    mad = MAD_SCALE * np.median(np.abs(np.array(present) - median))
    assert scores[7] == pytest.approx((50.0 - median) / mad)


def test_too_few_values_give_no_scores():
    assert robust_scores([1.0, 2.0, 100.0, None]) == [None] * 4


def test_a_zero_mad_marks_only_what_differs_from_the_bulk():
    scores = robust_scores([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 12.5])
    assert scores[:6] == [0.0] * 6 and scores[6] == float('inf')
