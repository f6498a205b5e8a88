"""Attention U-Net gate coefficients: heatmaps, overlays, grids of panels, the hook that draws
them during val and test, and the hook that logs their statistics during training."""

from .attention_grid import (
    attention_panels,
    colorize_mask,
    compose_grid,
    grid_size,
    sample_attention,
    save_rgb,
)
from .attention_hook import AttentionVisualizationHook
from .attention_overlay import alpha_to_image, attention_heatmap, overlay_attention
from .gate_statistics_hook import GateStatisticsHook, gate_statistics

__all__ = [
    'AttentionVisualizationHook',
    'GateStatisticsHook',
    'alpha_to_image',
    'attention_heatmap',
    'attention_panels',
    'colorize_mask',
    'compose_grid',
    'gate_statistics',
    'grid_size',
    'overlay_attention',
    'sample_attention',
    'save_rgb',
]
