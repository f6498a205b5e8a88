"""Every hook the project registers: safe checkpoints, the label-id guard, attention maps."""

from .attention_visualization_hook import AttentionVisualizationHook
from .checkpoint_hook import SafeCheckpointHook
from .label_id_guard_hook import LabelIdGuardHook

__all__ = ['AttentionVisualizationHook', 'LabelIdGuardHook', 'SafeCheckpointHook']
