"""Complexity, speed, training-curve and confusion-matrix analysis for attn-unet."""

from .attn_vs_unet import (
    OPTIONS,
    TARGETS,
    VariantResult,
    compare_models,
    format_table,
    parse_sizes,
    time_steps,
)
from .complexity import model_complexity
from .confusion import confusion_matrix, dataset_confusion, plot_confusion
from .inference_speed import (
    dataset_batches,
    measure_fps,
    pipeline_image_shape,
    summarize_fps,
    synthetic_batch,
)
from .model_loading import (
    build_segmentor,
    load_config,
    load_image,
    load_segmentor,
    syncbn_to_bn,
)
from .tool_errors import ToolError, run_tool
from .training_curves import load_scalars, plot_curves, run_name

__all__ = [
    'OPTIONS',
    'TARGETS',
    'ToolError',
    'VariantResult',
    'build_segmentor',
    'compare_models',
    'confusion_matrix',
    'dataset_batches',
    'dataset_confusion',
    'format_table',
    'load_config',
    'load_image',
    'load_scalars',
    'load_segmentor',
    'measure_fps',
    'model_complexity',
    'parse_sizes',
    'time_steps',
    'plot_confusion',
    'plot_curves',
    'run_name',
    'run_tool',
    'summarize_fps',
    'syncbn_to_bn',
    'synthetic_batch',
    'pipeline_image_shape',
]
