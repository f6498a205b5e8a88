import numpy as np
import pytest
import torch

from attn_unet.visualization import alpha_to_image, attention_heatmap, overlay_attention


@pytest.mark.parametrize(
    'alpha_shape, img_shape, ori_shape, padding, expected',
    [
        ((1, 32, 56), (32, 53), (48, 80), (0, 3, 0, 0), (48, 80)),
        ((16, 28), (32, 53), (48, 80), (0, 3, 0, 0), (48, 80)),
        ((1, 16, 32), (16, 32), None, None, (16, 32)),
        ((1, 8, 16), (16, 32), (64, 128), None, (64, 128)),
    ],
)
def test_alpha_to_image_shape(alpha_shape, img_shape, ori_shape, padding, expected):
    out = alpha_to_image(torch.rand(alpha_shape), img_shape, ori_shape, padding)
    assert out.shape == expected and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0


def test_alpha_to_image_drops_padding():
    # image 32x48 padded right by 16 and bottom by 8; alpha is 1 on the image, 0 on padding
    alpha = np.zeros((40, 64), np.float32)
    alpha[:32, :48] = 1.0
    out = alpha_to_image(alpha, (32, 48), (64, 96), (0, 16, 0, 8))
    assert out.shape == (64, 96)
    assert out[:-2, :-2].min() > 0.99  # no padding zeros leak in, except interpolation at edges


def test_alpha_to_image_left_top_padding():
    alpha = np.zeros((20, 20), np.float32)
    alpha[4:, 4:] = 1.0
    out = alpha_to_image(alpha, (16, 16), None, (4, 0, 4, 0))
    assert out.shape == (16, 16) and out.min() == 1.0


def test_heatmap_colours_low_blue_high_red():
    heat = attention_heatmap(np.array([[0.0, 1.0]]))
    low, high = heat[0, 0], heat[0, 1]
    assert low[2] > low[0] and high[0] > high[2]  # RGB order


def test_heatmap_colours_are_absolute_not_min_max():
    # A uniformly weak and a uniformly strong gate must not look alike.
    weak, strong = attention_heatmap(np.full((2, 2), 0.2)), attention_heatmap(np.full((2, 2), 0.9))
    assert weak[0, 0, 2] > weak[0, 0, 0] and strong[0, 0, 0] > strong[0, 0, 2]


@pytest.mark.parametrize('opacity', [0.0, 0.5, 1.0])
def test_overlay_blends_with_opacity(opacity):
    image = np.full((8, 12, 3), 100, np.uint8)
    alpha = np.ones((4, 6), np.float32)
    out = overlay_attention(image, alpha, opacity)
    heat = attention_heatmap(np.ones((8, 12))).astype(np.float32)
    expected = np.round((1 - opacity) * 100 + opacity * heat)
    assert out.shape == image.shape
    np.testing.assert_allclose(out, expected, atol=1)


def test_overlay_rejects_bad_opacity():
    with pytest.raises(ValueError, match='opacity'):
        overlay_attention(np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4)), 1.5)
