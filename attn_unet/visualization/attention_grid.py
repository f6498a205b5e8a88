"""One PNG per image: input, prediction and every gated stage's attention overlay.

Panels are laid out row-major on a white canvas, each under a title band::

    | input | prediction | stage 0 (HxW) |
    | stage 1 (HxW) | ...               |
"""

import math
import os
import os.path as osp
from collections.abc import Mapping, Sequence

import cv2
import numpy as np

from .attention_overlay import alpha_to_image, overlay_attention

__all__ = [
    'MARGIN',
    'TITLE_HEIGHT',
    'attention_panels',
    'colorize_mask',
    'compose_grid',
    'grid_size',
    'sample_attention',
    'save_rgb',
]

MARGIN = 8
TITLE_HEIGHT = 24


def colorize_mask(mask: np.ndarray, palette: Sequence[Sequence[int]]) -> np.ndarray:
    """Label map (H, W) -> RGB uint8 (H, W, 3); labels outside the palette are black."""
    table = np.zeros((256, 3), dtype=np.uint8)
    colours = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)[:256]
    table[: len(colours)] = colours
    return table[np.asarray(mask).astype(np.int64).clip(0, 255)]


def sample_attention(
    maps: Mapping[int, 'np.ndarray'], index: int, metainfo: Mapping
) -> dict[int, tuple[np.ndarray, tuple[int, int]]]:
    """Coefficients of one image of the batch, on its original grid.

    Args:
        maps: ``backbone.attention_maps``, {stage i: alpha (N, 1, H_i, W_i)}.
        index: the image's position n in the batch.
        metainfo: the image's data-sample metainfo: ``img_shape`` and
            optionally ``ori_shape`` and ``padding_size``/``img_padding_size``.

    Returns:
        {stage i: (alpha (H_ori, W_ori) in [0, 1], (H_i, W_i))}, finest first.
    """
    padding = metainfo.get('padding_size', metainfo.get('img_padding_size'))
    out = {}
    for stage in sorted(maps):
        alpha = maps[stage][index]
        on_image = alpha_to_image(alpha, metainfo['img_shape'], metainfo.get('ori_shape'), padding)
        out[stage] = (on_image, tuple(int(s) for s in alpha.shape[-2:]))
    return out


def attention_panels(
    image: np.ndarray,
    pred: np.ndarray | None,
    palette: Sequence[Sequence[int]],
    stage_maps: Mapping[int, tuple[np.ndarray, tuple[int, int]]],
    opacity: float = 0.5,
) -> list[tuple[str, np.ndarray]]:
    """Titled panels: input, prediction (if any), one overlay per gated stage.

    Args:
        image: RGB uint8 (H, W, 3).
        pred: predicted labels (H, W), or None to leave the panel out.
        palette: RGB colour per class.
        stage_maps: output of :func:`sample_attention`.
        opacity: heatmap weight of the overlays.

    Returns:
        [(title, RGB uint8 (H, W, 3))], 1 + (pred is not None) + len(stage_maps).
    """
    panels = [('input', image)]
    if pred is not None:
        panels.append(('prediction', colorize_mask(pred, palette)))
    for stage, (alpha, (height, width)) in sorted(stage_maps.items()):
        panels.append(
            (f'stage {stage} ({height}x{width})', overlay_attention(image, alpha, opacity))
        )
    return panels


def grid_size(num_panels: int, panel_hw: tuple[int, int], ncols: int) -> tuple[int, int]:
    """(height, width) of the canvas of :func:`compose_grid`."""
    cols = min(ncols, num_panels)
    rows = math.ceil(num_panels / cols)
    height = rows * (panel_hw[0] + TITLE_HEIGHT + MARGIN) + MARGIN
    width = cols * (panel_hw[1] + MARGIN) + MARGIN
    return height, width


def compose_grid(
    panels: Sequence[tuple[str, np.ndarray]], ncols: int = 3, max_panel_width: int = 1024
) -> np.ndarray:
    """Lay titled panels of one size on a white canvas, row-major.

    Args:
        panels: [(title, RGB uint8 (H, W, 3))], all of the same H, W.
        ncols: panels per row.
        max_panel_width: panels wider than this are scaled down to it.

    Returns:
        RGB uint8 canvas of :func:`grid_size`.
    """
    if not panels:
        raise ValueError('compose_grid: no panels to draw')
    height, width = panels[0][1].shape[:2]
    if any(panel.shape[:2] != (height, width) for _, panel in panels):
        raise ValueError('compose_grid: all panels must have the same height and width')
    scale = min(1.0, max_panel_width / width)
    panel_hw = (max(round(height * scale), 1), max(round(width * scale), 1))
    canvas = np.full((*grid_size(len(panels), panel_hw, ncols), 3), 255, dtype=np.uint8)
    cols = min(ncols, len(panels))
    for i, (title, panel) in enumerate(panels):
        if scale < 1.0:
            panel = cv2.resize(panel, panel_hw[::-1], interpolation=cv2.INTER_AREA)
        top = MARGIN + (i // cols) * (panel_hw[0] + TITLE_HEIGHT + MARGIN)
        left = MARGIN + (i % cols) * (panel_hw[1] + MARGIN)
        _put_title(canvas, title, left, top + TITLE_HEIGHT - 7, panel_hw[1])
        canvas[top + TITLE_HEIGHT : top + TITLE_HEIGHT + panel_hw[0], left : left + panel_hw[1]] = (
            panel
        )
    return canvas


def _put_title(canvas: np.ndarray, title: str, left: int, baseline: int, width: int) -> None:
    """Write title in black from (left, baseline), shrinking the font to fit width."""
    font, scale = cv2.FONT_HERSHEY_SIMPLEX, 0.5
    text_width = cv2.getTextSize(title, font, scale, 1)[0][0]
    if text_width > width:
        scale = max(scale * width / text_width, 0.2)
    cv2.putText(canvas, title, (left, baseline), font, scale, (0, 0, 0), 1, cv2.LINE_AA)


def save_rgb(path: str, image: np.ndarray) -> str:
    """Write an RGB uint8 image (H, W, 3) as PNG, creating folders; returns the path."""
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    if not cv2.imwrite(path, cv2.cvtColor(image, cv2.COLOR_RGB2BGR)):
        raise OSError(f'could not write {path}: check the extension (.png) and permissions')
    return path
