"""score_case: medpy's DSC and HD95, and each rule's scores for a class absent from a mask."""

import math

import numpy as np
import pytest
from medpy.metric import binary

from attn_unet.evaluation.metrics import EMPTY_RULES, score_case

SHAPE = (6, 10, 12)


def box(start, size=3, shape=SHAPE) -> np.ndarray:
    mask = np.zeros(shape, bool)
    mask[tuple(slice(s, s + size) for s in start)] = True
    return mask


EMPTY = np.zeros(SHAPE, bool)
# The diagonal from the first voxel's centre to the last: sqrt(5^2 + 9^2 + 11^2) voxels.
DIAGONAL = math.sqrt(5**2 + 9**2 + 11**2)


@pytest.mark.parametrize(
    'rule, pred, gt, expected',
    [
        ('transunet', box((1, 1, 1)), EMPTY, (1.0, 0.0)),  # a false organ scores perfect
        ('transunet', EMPTY, box((1, 1, 1)), (0.0, 0.0)),
        ('transunet', EMPTY, EMPTY, (0.0, 0.0)),
        ('nnunet', box((1, 1, 1)), EMPTY, (0.0, DIAGONAL)),  # invented: the worst distance
        ('nnunet', EMPTY, box((1, 1, 1)), (0.0, DIAGONAL)),  # missed: the worst distance
        ('nnunet', EMPTY, EMPTY, (math.nan, math.nan)),  # absent from both: does not count
    ],
)
def test_each_rule_scores_empty_masks_as_documented(rule, pred, gt, expected):
    dsc, hd95 = score_case(pred, gt, empty=rule)
    assert dsc == pytest.approx(expected[0], nan_ok=True)
    assert hd95 == pytest.approx(expected[1], nan_ok=True)


def test_the_diagonal_is_measured_in_the_spacings_unit():
    spacing = (2.5, 0.8, 0.7)
    expected = math.sqrt((5 * 2.5) ** 2 + (9 * 0.8) ** 2 + (11 * 0.7) ** 2)
    assert score_case(EMPTY, box((0, 0, 0)), spacing, 'nnunet')[1] == pytest.approx(expected)


@pytest.mark.parametrize('rule', EMPTY_RULES)
def test_both_masks_present_is_medpy_under_every_rule(rule):
    rng = np.random.default_rng(0)
    pred, gt = rng.random(SHAPE) < 0.3, rng.random(SHAPE) < 0.3
    spacing = (3.0, 0.9, 0.9)
    expected = binary.dc(pred, gt), binary.hd95(pred, gt, voxelspacing=spacing)
    assert score_case(pred, gt, spacing, rule) == pytest.approx(expected)


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="empty must be one of .*'msd'"):
        score_case(EMPTY, EMPTY, empty='msd')
