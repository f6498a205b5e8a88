"""The training guards: safe checkpoints, the divergence guard, the label-id guard, exact
resume (the attention-map hook is :mod:`attn_unet.visualization`'s)."""

from .checkpoint_hook import SafeCheckpointHook
from .divergence_guard_hook import (
    DivergenceGuardHook,
    agree_across_ranks,
    diverged_error,
    non_finite_weight,
)
from .exact_resume_hook import ExactResumeHook
from .label_id_guard_hook import LabelIdGuardHook

__all__ = [
    'DivergenceGuardHook',
    'ExactResumeHook',
    'LabelIdGuardHook',
    'SafeCheckpointHook',
    'agree_across_ranks',
    'diverged_error',
    'non_finite_weight',
]
