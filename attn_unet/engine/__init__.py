"""Training and testing machinery: the runner, its hooks, mixed precision on any device.

Importing it registers what configs name: ``AttnUNetRunner``, ``AutoAmpOptimWrapper``,
``FastTestLoop`` and the hooks.
"""

from .amp import AutoAmpOptimWrapper
from .fast_inference import FastTestLoop, fast_inference_dtype, prepare_fast_inference
from .hooks import (
    DivergenceGuardHook,
    ExactResumeHook,
    LabelIdGuardHook,
    SafeCheckpointHook,
)
from .memory_format import apply_memory_format
from .runner import AttnUNetRunner

__all__ = [
    'AttnUNetRunner',
    'AutoAmpOptimWrapper',
    'DivergenceGuardHook',
    'ExactResumeHook',
    'FastTestLoop',
    'LabelIdGuardHook',
    'SafeCheckpointHook',
    'apply_memory_format',
    'fast_inference_dtype',
    'prepare_fast_inference',
]
