"""Each fold's validation cases predicted by the fold's own model, on the raw scans' grids.

The raw cases (the conversion record's ``source``) go through ``tools/predict.py``'s
pipeline (:func:`attn_unet.apis.predict.predict`) with the config the fold's run dumped and
its final checkpoint, into ``fold_<k>/validation/`` (nnU-Net's place): ``<case>.nii.gz``
with the dataset's label values on the scan's grid, and its record. The folder's
``predicted_with.json``, written last, names the checkpoint (and its size and time); a
later run whose fold still ends with that checkpoint takes the predictions as they are,
any other predicts them again.
"""

import json
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Sequence

from attn_unet.checkpoints import FoldModel
from attn_unet.errors import ToolError
from attn_unet.fileio import write_text_atomically

from ..predict import PredictOptions, predict

__all__ = ['VALIDATION_FOLDER', 'ValidationCase', 'cases_of', 'predict_validation']

VALIDATION_FOLDER = 'validation'
STAMP = 'predicted_with.json'


@dataclass(frozen=True)
class ValidationCase:
    """One validation case: its id, raw image files and reference label file."""

    case_id: str
    images: tuple
    label: str


def predict_validation(
    model: FoldModel,
    cases: Sequence[ValidationCase],
    folder: str,
    device: str,
    batch_size: int = 8,
    progress: bool = True,
    allow_non_finite: bool = False,
) -> Dict[str, str]:
    """Predict ``cases`` with ``model`` into ``folder`` (or take the predictions there).

    ``allow_non_finite``: the conversion read NaN / inf voxels as a fill
    (``--allow-non-finite``), so prediction reads them so too.

    Returns:
        ``{case id: predicted label file}``.

    Raises:
        ToolError: what ``tools/predict.py`` refuses (one line).
    """
    stamp = _stamp(model, cases)
    predicted = {c.case_id: osp.join(folder, f'{c.case_id}.nii.gz') for c in cases}
    if _read_stamp(folder) == stamp and all(osp.isfile(p) for p in predicted.values()):
        print(f'fold {model.fold}: its validation cases were predicted with this checkpoint, '
              f'in {folder}')  # fmt: skip
        return predicted
    if osp.isfile(osp.join(folder, STAMP)):
        os.remove(osp.join(folder, STAMP))
    options = PredictOptions(out_dir=folder, batch_size=batch_size, device=device,
                             overwrite=True, progress=progress,
                             allow_non_finite=allow_non_finite)  # fmt: skip
    images = [path for case in cases for path in case.images]
    print(f'fold {model.fold}: predicting its {len(cases)} validation case(s) into {folder}')
    predict(model.config, model.checkpoint, images, options)
    missing = [p for p in predicted.values() if not osp.isfile(p)]
    if missing:  # a case the pipeline named otherwise: the raw set and the record disagree
        raise ToolError(
            f'fold {model.fold}: no prediction {missing[0]} was written for its case: the raw '
            'set does not name its cases as the conversion record does; convert it again'
        )
    write_text_atomically(osp.join(folder, STAMP), json.dumps(stamp, indent=2) + '\n')
    return predicted


def _stamp(model: FoldModel, cases: Sequence[ValidationCase]) -> dict:
    info = os.stat(model.checkpoint)
    return dict(
        checkpoint=osp.abspath(model.checkpoint),
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        cases=sorted(c.case_id for c in cases),
    )


def _read_stamp(folder: str) -> dict | None:
    try:
        with open(osp.join(folder, STAMP), encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def cases_of(raw, case_ids: List[str]) -> List[ValidationCase]:
    """The raw set's cases ``case_ids``.

    Raises:
        ToolError: a case the raw set no longer holds.
    """
    by_id = {case.case_id: case for case in raw.training}
    missing = [c for c in case_ids if c not in by_id]
    if missing:
        raise ToolError(
            f'case {missing[0]} of the folds is not a training case of the raw set {raw.root}: '
            'the raw set changed since the conversion; convert it again'
        )
    return [ValidationCase(c, tuple(by_id[c].images), by_id[c].label) for c in case_ids]
