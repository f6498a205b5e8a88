"""Training and testing machinery: the runner, its hooks, mixed precision on any device.

Importing it registers what configs name: ``AttnUNetRunner``, ``AutoAmpOptimWrapper``,
``FastTestLoop`` and the hooks.
"""

from .amp import AutoAmpOptimWrapper
from .fast_inference import FastTestLoop, fast_inference_dtype, prepare_fast_inference
from .hooks import (
    AttentionVisualizationHook,
    DivergenceGuardHook,
    ExactResumeHook,
    LabelIdGuardHook,
    SafeCheckpointHook,
)
from .memory_format import apply_memory_format
from .runner import AttnUNetRunner
from .sync_bn import CPUSyncBatchNorm

__all__ = [
    'AttentionVisualizationHook',
    'AttnUNetRunner',
    'AutoAmpOptimWrapper',
    'CPUSyncBatchNorm',
    'DivergenceGuardHook',
    'ExactResumeHook',
    'FastTestLoop',
    'LabelIdGuardHook',
    'SafeCheckpointHook',
    'apply_memory_format',
    'fast_inference_dtype',
    'prepare_fast_inference',
]
