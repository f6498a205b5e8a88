"""Checkpoint files: read once and checked, held to a model, found in a run's folder.

:func:`load_checkpoint_file` and :func:`check_state_dict_fits` serve training (a resume,
``load_from``), testing and inference alike; :mod:`.run_folder` reads a run's checkpoint
names and its ``last_checkpoint`` pointer for every reader in the package;
:mod:`.finite_weights` tells whether weights are finite at the cost of one fused reduction.
Imports nothing of the package but :mod:`attn_unet.errors`.
"""

from .checkpoint_file import check_state_dict_fits, load_checkpoint_file, model_state_dict
from .config_text import checkpoint_config
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
    'POINTER',
    'all_finite',
    'check_state_dict_fits',
    'checkpoint_config',
    'checkpoint_step',
    'first_non_finite',
    'floating_tensors',
    'load_checkpoint_file',
    'model_state_dict',
    'newest_checkpoint',
    'pointed_checkpoint',
    'resume_candidates',
    'run_checkpoints',
]
