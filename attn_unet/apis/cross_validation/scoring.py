"""Every out-of-fold prediction scored against its raw reference, and the postprocessing chosen.

Each case is read once: the predicted label volume (``fold_<k>/validation/<case>.nii.gz``)
and the raw reference (``labelsTr``) must lie on one grid; both become class ids through the
converter's slice plan (the reference's nnU-Net ``ignore`` voxels are background in both, as
the per-volume metric counts them), and give the case's DSC and HD95 per class
(:func:`attn_unet.evaluation.score_volume`) and its DSC under every postprocessing candidate
(:func:`attn_unet.evaluation.trial_scores`). Then ``summary.json`` and
``postprocessing.json`` are written (whole, atomically) and printed.
"""

import json
import os.path as osp
from typing import List, Sequence

import numpy as np

from attn_unet.checkpoints import POSTPROCESSING_FILE, SUMMARY_FILE
from attn_unet.errors import ToolError
from attn_unet.evaluation import (
    CaseScore,
    PostprocessingChoice,
    choose_postprocessing,
    score_volume,
    summarise,
    summary_table,
    trial_scores,
)
from attn_unet.fileio import write_text_atomically
from attn_unet.slicing.slice_plan import IGNORE_ID, SlicePlan
from attn_unet.volumes import grid_mismatch, open_nifti, voxel_spacing

from .validation import ValidationCase

__all__ = ['ScoredCase', 'score_out_of_fold', 'write_postprocessing', 'write_summary']


class ScoredCase:
    """A case to score: its fold, the prediction and the raw case."""

    def __init__(self, fold: int, prediction: str, case: ValidationCase) -> None:
        self.fold, self.prediction, self.case = fold, prediction, case


def score_out_of_fold(
    cases: Sequence[ScoredCase], plan: SlicePlan
) -> tuple[List[CaseScore], PostprocessingChoice]:
    """Score every case and choose the postprocessing on them; see the module doc.

    Raises:
        ToolError: a prediction and its reference on different grids, or unreadable.
    """
    scores, trials = [], []
    for scored in cases:
        pred, ref, spacing = _class_ids(scored, plan)
        dsc, hd95 = score_volume(pred, ref, len(plan.classes), spacing)
        scores.append(CaseScore(scored.case.case_id, scored.fold, scored.prediction,
                                scored.case.label, dsc, hd95))  # fmt: skip
        trials.append(trial_scores(pred, ref, len(plan.classes)))
    return scores, choose_postprocessing(trials, plan.classes)


def write_summary(folder: str, scores: List[CaseScore], plan: SlicePlan, about: dict) -> dict:
    """Write ``<folder>/summary.json``, print its table; returns the summary."""
    summary = summarise(scores, plan.classes, **about)
    path = osp.join(folder, SUMMARY_FILE)
    write_text_atomically(path, json.dumps(summary, indent=2) + '\n')
    print(summary_table(summary))
    print(f'wrote {path}')
    return summary


def write_postprocessing(folder: str, choice: PostprocessingChoice, about: dict) -> dict:
    """Write ``<folder>/postprocessing.json`` and say what was chosen; returns the record."""
    from prettytable import PrettyTable

    record = dict(**about, **choice.to_record())
    path = osp.join(folder, POSTPROCESSING_FILE)
    write_text_atomically(path, json.dumps(record, indent=2) + '\n')
    table = PrettyTable(['class', 'DSC (%) as predicted', 'largest foreground piece',
                         'then largest piece of the class', 'kept'])  # fmt: skip
    for name in choice.classes[1:]:
        kept = name in choice.postprocessing.classes
        table.add_row([name, _cell(choice.none[name]), _cell(choice.foreground[name]),
                       _cell(choice.each_class[name]), 'yes' if kept else 'no'])  # fmt: skip
    foreground = 'kept' if choice.postprocessing.foreground else 'not kept'
    print(f'postprocessing on {choice.cases} out-of-fold cases (the largest foreground piece: '
          f'{foreground}):\n{table.get_string()}')  # fmt: skip
    print(f'wrote {path}: {choice.postprocessing.describe()} (tools/predict.py --postprocess '
          'auto applies it)')  # fmt: skip
    return record


def _class_ids(scored: ScoredCase, plan: SlicePlan) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Prediction and reference as class ids on one grid, unlabelled voxels background."""
    pred_volume = open_nifti(scored.prediction)
    ref_volume = open_nifti(scored.case.label)
    mismatch = grid_mismatch(pred_volume.shape, pred_volume.affine,
                             ref_volume.shape, ref_volume.affine)  # fmt: skip
    if mismatch:
        raise ToolError(
            f'{scored.prediction} and its reference {scored.case.label} lie on {mismatch}: '
            'the raw set changed since its prediction; run the cross-validation again'
        )
    pred, ref = (_ids(v.read(None), plan, v.path) for v in (pred_volume, ref_volume))
    unlabelled = ref == IGNORE_ID
    pred[unlabelled], ref[unlabelled] = 0, 0
    return pred, ref, voxel_spacing(ref_volume.affine)


def _ids(values: np.ndarray, plan: SlicePlan, path: str) -> np.ndarray:
    try:
        return plan.class_ids(np.rint(values).astype(np.int64))
    except ValueError as exc:
        raise ToolError(f'{path}: {exc}: it is not a label volume of this dataset') from None


def _cell(value: float | None) -> str:
    return 'nan' if value is None else f'{value:.2f}'
