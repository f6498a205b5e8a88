"""Rendering of Attention U-Net gate coefficients: heatmaps, overlays, grids of panels, and the
hook that draws them during val and test."""

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

__all__ = [
    'AttentionVisualizationHook',
    'alpha_to_image',
    'attention_heatmap',
    'attention_panels',
    'colorize_mask',
    'compose_grid',
    'grid_size',
    'overlay_attention',
    'sample_attention',
    'save_rgb',
]
