"""Runs of the converter's fitted configs on a Decathlon / nnU-Net raw set, and their tables.

Shared by ``benchmarks/augmentation_ab.py`` (nnU-Net's augmentation on and off) and
``benchmarks/nnunet_comparison.py`` (this project against nnU-Net v2 on one fold).
"""

from .project import (
    TrainSettings,
    config_of,
    convert,
    generate_phantom,
    predict,
    run_python,
    seconds_per_iteration,
    train_and_test,
)
from .summary import mean_std, runs_table

__all__ = [
    'TrainSettings',
    'config_of',
    'convert',
    'generate_phantom',
    'mean_std',
    'predict',
    'run_python',
    'runs_table',
    'seconds_per_iteration',
    'train_and_test',
]
