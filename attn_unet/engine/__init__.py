"""Training and testing machinery: the runner, its loop and hooks, CPU mixed precision.

Importing it registers what configs name: ``AttnUNetRunner``,
``ResumableIterBasedTrainLoop``, ``AutoAmpOptimWrapper`` and the hooks.
"""

from .amp import AutoAmpOptimWrapper
from .hooks import (
    AttentionVisualizationHook,
    DivergenceGuardHook,
    LabelIdGuardHook,
    SafeCheckpointHook,
)
from .loops import ResumableIterBasedTrainLoop
from .memory_format import apply_memory_format
from .runner import AttnUNetRunner
from .sync_bn import CPUSyncBatchNorm

__all__ = [
    'AttentionVisualizationHook',
    'AttnUNetRunner',
    'AutoAmpOptimWrapper',
    'CPUSyncBatchNorm',
    'DivergenceGuardHook',
    'LabelIdGuardHook',
    'ResumableIterBasedTrainLoop',
    'SafeCheckpointHook',
    'apply_memory_format',
]
