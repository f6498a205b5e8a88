"""AttentionUNet-vs-UNet benchmark harness, used by the scripts beside it (not installed)."""

from .compare import compare_models, time_steps
from .device_steps import resolve_device, synthetic_inputs, timed
from .model_bench import ModelBench
from .result import VariantResult
from .table import COLUMNS, MEMORY_METHODS, TARGETS, format_table, table_rows
from .variants import (
    ATTN_CONFIG,
    MODES,
    OPTIONS,
    UNET_CONFIG,
    parse_sizes,
    variant_config,
)

__all__ = [
    'ATTN_CONFIG',
    'COLUMNS',
    'MEMORY_METHODS',
    'MODES',
    'OPTIONS',
    'TARGETS',
    'UNET_CONFIG',
    'ModelBench',
    'VariantResult',
    'compare_models',
    'format_table',
    'parse_sizes',
    'resolve_device',
    'synthetic_inputs',
    'table_rows',
    'time_steps',
    'timed',
    'variant_config',
]
