"""Out-of-fold scoring reads label files of the dataset's own values on the scan's grid: values
become classes through the plan, the reference's ``ignore`` voxels count in neither volume,
spacing comes from the affine, and a prediction on another grid is refused in one line."""

import math

import nibabel as nib
import numpy as np
import pytest
from medpy.metric import binary

from attn_unet.apis.cross_validation import ValidationCase, score_out_of_fold
from attn_unet.apis.cross_validation.scoring import ScoredCase
from attn_unet.errors import ToolError
from attn_unet.slicing.slice_plan import SlicePlan

# label values 0, 2, 5 (not 0..2) and the ignore value 9, as a dataset.json may name them
PLAN = SlicePlan(view='axial', channels=({'name': 'MR', 'norm': 'zscore'},),
                 label_values=(0, 2, 5), classes=('background', 'liver', 'tumour'),
                 ignore_value=9)  # fmt: skip
AFFINE = np.diag([0.8, 1.5, 3.0, 1.0])


def _write(path, values, affine=AFFINE):
    nib.save(nib.Nifti1Image(values.astype(np.int16), affine), str(path))
    return str(path)


def _case(tmp_path):
    ref = np.zeros((20, 16, 10), np.int16)
    ref[3:12, 3:10, 2:7] = 2
    ref[5:8, 5:8, 3:5] = 5
    ref[15:18, 0:3, 0:2] = 9  # unlabelled voxels: what the prediction says there counts not
    pred = np.zeros_like(ref)
    pred[4:13, 3:10, 2:8] = 2
    pred[15:18, 0:3, 0:2] = 5  # tumour only where the reference is unlabelled
    return pred, ref


def test_values_become_classes_and_ignore_voxels_count_in_neither(tmp_path):
    pred, ref = _case(tmp_path)
    case = ValidationCase('c1', ('img.nii.gz',), _write(tmp_path / 'ref.nii.gz', ref))
    scored = [ScoredCase(3, _write(tmp_path / 'pred.nii.gz', pred), case)]
    (score,), choice = score_out_of_fold(scored, PLAN)
    spacing = (0.8, 1.5, 3.0)
    liver_dsc = 100 * binary.dc(pred == 2, ref == 2)
    liver_hd95 = binary.hd95(pred == 2, ref == 2, voxelspacing=spacing)
    assert score.fold == 3 and score.case == 'c1'
    assert score.dsc[0] == pytest.approx(liver_dsc) and score.hd95[0] == pytest.approx(liver_hd95)
    # tumour: in the reference, predicted only on ignore voxels, which count in neither
    diagonal = math.sqrt(sum(((n - 1) * s) ** 2 for n, s in zip(ref.shape, spacing)))
    assert (score.dsc[1], score.hd95[1]) == (0.0, pytest.approx(diagonal))
    assert choice.cases == 1


def test_a_prediction_on_another_grid_or_of_other_values_is_refused(tmp_path):
    pred, ref = _case(tmp_path)
    case = ValidationCase('c1', ('img.nii.gz',), _write(tmp_path / 'ref.nii.gz', ref))
    moved = _write(tmp_path / 'moved.nii.gz', pred, np.diag([0.8, 1.5, 2.0, 1.0]))
    with pytest.raises(ToolError, match=r'moved.nii.gz and its reference .* lie on'):
        score_out_of_fold([ScoredCase(0, moved, case)], PLAN)
    pred[0, 0, 0] = 3
    other = _write(tmp_path / 'other.nii.gz', pred)
    with pytest.raises(ToolError, match=r'other.nii.gz: label value 3 is not one of'):
        score_out_of_fold([ScoredCase(0, other, case)], PLAN)
