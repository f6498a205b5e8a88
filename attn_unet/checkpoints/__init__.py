"""Checkpoint files: read once and checked, held to a model, found in a run's folder.

:func:`load_checkpoint_file` and :func:`check_state_dict_fits` serve training (a resume,
``load_from``), testing and inference alike; :mod:`.run_folder` reads a run's checkpoint
names and its ``last_checkpoint`` pointer for every reader in the package;
:mod:`.cv_folder` records the model each fold of a cross-validation ended with;
:mod:`.finite_weights` tells whether weights are finite at the cost of one fused reduction.
Imports nothing of the package but :mod:`attn_unet.errors` and :mod:`attn_unet.fileio`.
"""

from .checkpoint_file import check_state_dict_fits, load_checkpoint_file, model_state_dict
from .config_text import checkpoint_config
from .cv_folder import (
    CV_RECORD,
    POSTPROCESSING_FILE,
    SUMMARY_FILE,
    FoldModel,
    fold_dir,
    is_cv_folder,
    read_fold_models,
    write_fold_models,
)
from .finite_weights import all_finite, first_non_finite, floating_tensors
from .run_folder import (
    CHECKPOINT_PATTERNS,
    POINTER,
    checkpoint_step,
    newest_checkpoint,
    pointed_checkpoint,
    resume_candidates,
    run_checkpoints,
)

__all__ = [
    'CHECKPOINT_PATTERNS',
    'CV_RECORD',
    'POINTER',
    'POSTPROCESSING_FILE',
    'SUMMARY_FILE',
    'FoldModel',
    'all_finite',
    'check_state_dict_fits',
    'checkpoint_config',
    'checkpoint_step',
    'first_non_finite',
    'fold_dir',
    'floating_tensors',
    'is_cv_folder',
    'load_checkpoint_file',
    'model_state_dict',
    'newest_checkpoint',
    'pointed_checkpoint',
    'read_fold_models',
    'resume_candidates',
    'run_checkpoints',
    'write_fold_models',
]
