"""Complexity, speed, training-curve and confusion-matrix analysis for attn-unet.

Loaded by the tools that ask for it, never by ``import attn_unet``: it pulls
matplotlib in.
"""

from .complexity import model_complexity
from .confusion import confusion_matrix, dataset_confusion, plot_confusion
from .inference_speed import (
    dataset_batches,
    measure_fps,
    pipeline_image_shape,
    summarize_fps,
    synthetic_batch,
)
from .input_sizes import check_model_input_sizes
from .training_curves import load_scalars, plot_curves, run_name

__all__ = [
    'check_model_input_sizes',
    'confusion_matrix',
    'dataset_batches',
    'dataset_confusion',
    'load_scalars',
    'measure_fps',
    'model_complexity',
    'pipeline_image_shape',
    'plot_confusion',
    'plot_curves',
    'run_name',
    'summarize_fps',
    'synthetic_batch',
]
