"""nnU-Net's postprocessing choice on volumes with a known island: a stray island is removed
because its removal raises the mean DSC; a real second piece is kept because removing it would
lower the mean DSC; the choice is applied by name and read back from its record."""

import math

import numpy as np
import pytest

from attn_unet.errors import ToolError
from attn_unet.evaluation import (
    Postprocessing,
    choose_postprocessing,
    dice_per_class,
    trial_scores,
)

CLASSES = ('background', 'liver', 'tumour')
ORGAN = np.s_[2:10, 2:10, 2:8]  # 384 voxels
SECOND = np.s_[13:16, 13:16, 2:5]  # 27 voxels, apart from ORGAN
TUMOUR = np.s_[4:6, 4:6, 3:5]


def _case(island_in_reference: bool, tumour_island: bool = False):
    """A reference with a liver (and a tumour inside it) and a prediction that adds a 27-voxel
    liver piece; the reference has that piece too when ``island_in_reference``."""
    ref = np.zeros((18, 18, 10), np.uint8)
    ref[ORGAN] = 1
    ref[TUMOUR] = 2
    pred = ref.copy()
    pred[SECOND] = 1
    if island_in_reference:
        ref[SECOND] = 1
    if tumour_island:
        pred[16, 2, 8] = 2
    return pred, ref


def _dice(pred, ref, c) -> float:
    p, r = pred == c, ref == c
    return 2 * np.sum(p & r) / (p.sum() + r.sum())


def test_dice_per_class_counts_a_class_neither_volume_holds_as_nan():
    pred, ref = _case(False)
    dsc = dice_per_class(pred, ref, 4)
    assert dsc[0] == pytest.approx(_dice(pred, ref, 1)) and dsc[1] == 1.0 and math.isnan(dsc[2])


def test_a_stray_island_is_removed_where_that_raises_the_mean_dsc():
    cases = [_case(False), _case(False, tumour_island=True)]
    choice = choose_postprocessing([trial_scores(p, r, 3) for p, r in cases], CLASSES)
    assert choice.postprocessing == Postprocessing(True, ('liver', 'tumour'))
    before = np.mean([_dice(p, r, 1) for p, r in cases])
    assert choice.none['liver'] == pytest.approx(100 * before)
    assert choice.foreground['liver'] == 100.0 > choice.none['liver']
    assert choice.foreground['tumour'] == 100.0 > choice.none['tumour']  # its island went too
    for pred, ref in cases:
        cleaned = choice.postprocessing.apply(pred, CLASSES)
        np.testing.assert_array_equal(cleaned, ref)


def test_a_real_second_piece_is_kept_where_removing_it_lowers_the_mean_dsc():
    cases = [_case(True), _case(True)]
    choice = choose_postprocessing([trial_scores(p, r, 3) for p, r in cases], CLASSES)
    assert not choice.postprocessing.foreground
    assert 'liver' not in choice.postprocessing.classes
    assert choice.none['liver'] == 100.0 > choice.foreground['liver']
    assert choice.each_class['liver'] < choice.none['liver']
    assert 'tumour' in choice.postprocessing.classes  # one piece: nothing drops, kept (ties)
    for pred, _ in cases:
        np.testing.assert_array_equal(choice.postprocessing.apply(pred, CLASSES), pred)


@pytest.mark.parametrize('real, stray', [(1, 2), (2, 1)])
def test_the_mean_over_the_cases_decides_not_each_case(real, stray):
    cases = [_case(True, True)] * real + [_case(False, True)] * stray
    choice = choose_postprocessing([trial_scores(p, r, 3) for p, r in cases], CLASSES)
    without_second = [(np.where(_second(), 0, p), r) for p, r in cases]  # what the step leaves
    before = np.mean([_dice(p, r, 1) for p, r in cases])
    after = np.mean([_dice(p, r, 1) for p, r in without_second])
    assert choice.none['liver'] == pytest.approx(100 * before)
    assert choice.foreground['liver'] == pytest.approx(100 * after)
    assert choice.postprocessing.foreground == (after >= before) == (stray > real)
    assert 'tumour' in choice.postprocessing.classes  # its island goes either way


def _second() -> np.ndarray:
    mask = np.zeros((18, 18, 10), bool)
    mask[SECOND] = True
    return mask


def test_the_choice_is_a_record_applied_by_class_name():
    post = Postprocessing(True, ('tumour',))
    assert Postprocessing.from_record(post.to_record(), 'x.json') == post
    assert Postprocessing.every_class(CLASSES) == Postprocessing(False, ('liver', 'tumour'))
    assert Postprocessing().describe() == 'none'
    with pytest.raises(ToolError, match="class 'tumour', which the model does not have"):
        post.apply(np.zeros((2, 2, 2), np.uint8), ('background', 'liver'))
    for bad in ({'foreground': 1, 'classes': []}, {'foreground': True}, []):
        with pytest.raises(ToolError, match='x.json is not a postprocessing record'):
            Postprocessing.from_record(bad, 'x.json')
