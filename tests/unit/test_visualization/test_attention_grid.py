import numpy as np
import pytest
import torch

from attn_unet.visualization import (
    attention_panels,
    colorize_mask,
    compose_grid,
    grid_size,
    sample_attention,
)
from attn_unet.visualization.attention_grid import MARGIN, TITLE_HEIGHT


def test_colorize_mask_uses_palette_and_blacks_out_ignored():
    palette = [[10, 20, 30], [40, 50, 60]]
    out = colorize_mask(np.array([[0, 1, 255]]), palette)
    assert out.tolist() == [[[10, 20, 30], [40, 50, 60], [0, 0, 0]]]


def test_sample_attention_picks_the_image_of_the_batch():
    maps = {
        0: torch.stack([torch.zeros(1, 16, 32), torch.ones(1, 16, 32)]),
        1: torch.full((2, 1, 8, 16), 0.5),
    }
    meta = dict(img_shape=(16, 32), ori_shape=(32, 64))
    second = sample_attention(maps, 1, meta)
    assert sorted(second) == [0, 1]
    assert second[0][0].shape == (32, 64) and second[0][0].min() == 1.0
    assert second[0][1] == (16, 32) and second[1][1] == (8, 16)
    assert sample_attention(maps, 0, meta)[0][0].max() == 0.0


@pytest.mark.parametrize(
    'num_stages, ncols, rows, cols',
    [(1, 3, 1, 3), (2, 3, 2, 3), (4, 3, 2, 3), (4, 6, 1, 6), (0, 3, 1, 2)],
)
def test_grid_layout_has_one_panel_per_gated_stage(num_stages, ncols, rows, cols):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    stage_maps = {
        i: (rng.random((20, 30)).astype(np.float32), (20 >> i, 30 >> i)) for i in range(num_stages)
    }
    panels = attention_panels(image, np.zeros((20, 30), int), [[255, 0, 0]], stage_maps)
    assert [title for title, _ in panels][:2] == ['input', 'prediction']
    assert len(panels) == 2 + num_stages
    if num_stages:
        assert panels[2][0] == 'stage 0 (20x30)'
    grid = compose_grid(panels, ncols)
    assert grid.shape[:2] == (
        rows * (20 + TITLE_HEIGHT + MARGIN) + MARGIN,
        cols * (30 + MARGIN) + MARGIN,
    )
    assert grid.shape[:2] == grid_size(len(panels), (20, 30), ncols)
    top, left = MARGIN + TITLE_HEIGHT, MARGIN
    np.testing.assert_array_equal(grid[top : top + 20, left : left + 30], image)
    np.testing.assert_array_equal(
        grid[top : top + 20, 2 * left + 30 : 2 * left + 60],
        np.broadcast_to([255, 0, 0], (20, 30, 3)),
    )


def test_compose_grid_scales_wide_panels_down():
    panels = [('a', np.zeros((100, 400, 3), np.uint8))] * 2
    assert compose_grid(panels, 2, max_panel_width=200).shape[:2] == grid_size(2, (50, 200), 2)


def test_compose_grid_rejects_mixed_sizes():
    with pytest.raises(ValueError, match='same height'):
        compose_grid([('a', np.zeros((4, 4, 3), np.uint8)), ('b', np.zeros((4, 5, 3), np.uint8))])
