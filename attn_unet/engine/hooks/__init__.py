"""Every hook the project registers: safe checkpoints, the divergence guard, the label-id guard,
attention maps."""

from .attention_visualization_hook import AttentionVisualizationHook
from .checkpoint_hook import SafeCheckpointHook
from .divergence_guard_hook import DivergenceGuardHook, diverged_error
from .label_id_guard_hook import LabelIdGuardHook

__all__ = [
    'AttentionVisualizationHook',
    'DivergenceGuardHook',
    'LabelIdGuardHook',
    'SafeCheckpointHook',
    'diverged_error',
]
