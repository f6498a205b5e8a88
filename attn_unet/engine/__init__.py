"""Training and testing machinery: the runner, its hooks, mixed precision on any device.

Importing it registers what configs name: ``AttnUNetRunner``, ``AutoAmpOptimWrapper``,
``FastTestLoop`` and the hooks.
"""

from .amp import AutoAmpOptimWrapper
from .fast_inference import FastTestLoop
from .hooks import (
    DivergenceGuardHook,
    ExactResumeHook,
    LabelIdGuardHook,
    SafeCheckpointHook,
)
from .runner import AttnUNetRunner

__all__ = [
    'AttnUNetRunner',
    'AutoAmpOptimWrapper',
    'DivergenceGuardHook',
    'ExactResumeHook',
    'FastTestLoop',
    'LabelIdGuardHook',
    'SafeCheckpointHook',
]
