"""What ``tools/cross_validate.py`` does: every fold trained, predicted out of fold and scored.

One module per step: :mod:`.fold_configs` (the folds of a converted set and each fold's
config), :mod:`.fold_training` (each fold a ``tools/train.py`` run, one per card),
:mod:`.validation` (each fold's validation cases predicted by its own model),
:mod:`.scoring` (``summary.json`` and ``postprocessing.json``), :mod:`.run` (the steps in
order, in one locked folder).
"""

from .fold_configs import FoldSet, cv_name, find_fold_set, fold_config_name, fold_config_text
from .fold_training import FoldJob, FoldStatus, card_slots, fold_status, run_fold_jobs
from .run import CV_WORDING, CrossValidationOptions, run_cross_validation
from .scoring import score_out_of_fold
from .validation import ValidationCase, predict_validation

__all__ = [
    'CV_WORDING',
    'CrossValidationOptions',
    'FoldJob',
    'FoldSet',
    'FoldStatus',
    'ValidationCase',
    'card_slots',
    'cv_name',
    'find_fold_set',
    'fold_config_name',
    'fold_config_text',
    'fold_status',
    'predict_validation',
    'run_cross_validation',
    'run_fold_jobs',
    'score_out_of_fold',
]
