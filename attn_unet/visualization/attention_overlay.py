"""Heatmaps of Attention U-Net gate coefficients (Oktay et al. 2018, arXiv 1804.03999).

The gates' coefficients alpha live on the network input grid, which the test
pipeline may have resized and the data preprocessor padded (bottom/right).
These helpers bring alpha back onto the original image and blend it there.

The colours are absolute: alpha 0 is always dark blue and 1 dark red, so maps
of different gates and images compare. mmengine's ``Visualizer.draw_featmap``
min-max normalises each map (a map of 0.2 everywhere and one of 0.9 come out in
the same colour), which suits features but not gate coefficients.
"""

from collections.abc import Sequence

import cv2
import numpy as np
import torch

__all__ = ['alpha_to_image', 'attention_heatmap', 'overlay_attention']


def alpha_to_image(
    alpha: torch.Tensor | np.ndarray,
    img_shape: Sequence[int],
    ori_shape: Sequence[int] | None = None,
    padding_size: Sequence[int] | None = None,
) -> np.ndarray:
    """Map one gate's coefficients onto the original image grid.

    Args:
        alpha: coefficients (H_i, W_i) or (1, H_i, W_i) in [0, 1]; they cover
            the whole network input, ``img_shape`` plus padding, at 1 / r_i.
        img_shape: (H, W) of the image fed to the network before padding
            (``img_shape`` metainfo, after the test pipeline's resize).
        ori_shape: (H_ori, W_ori) of the image file (``ori_shape`` metainfo);
            default: ``img_shape``.
        padding_size: (left, right, top, bottom) padding added by the data
            preprocessor (``padding_size`` metainfo); default: none.

    Returns:
        float32 array (H_ori, W_ori) in [0, 1].
    """
    if isinstance(alpha, torch.Tensor):
        alpha = alpha.detach().float().cpu().numpy()
    alpha = np.asarray(alpha, dtype=np.float32)
    alpha = alpha.reshape(alpha.shape[-2:])
    img_h, img_w = (int(s) for s in img_shape[:2])
    left, right, top, bottom = (int(p) for p in (padding_size or (0, 0, 0, 0)))
    # alpha covers the padded input; keep the part that covers the image.
    up = cv2.resize(
        alpha, (left + img_w + right, top + img_h + bottom), interpolation=cv2.INTER_LINEAR
    )
    up = up[top : top + img_h, left : left + img_w]
    out_h, out_w = (int(s) for s in (ori_shape or img_shape)[:2])
    if up.shape != (out_h, out_w):
        up = cv2.resize(up, (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    return np.clip(up, 0.0, 1.0)


def attention_heatmap(alpha: np.ndarray, colormap: int = cv2.COLORMAP_JET) -> np.ndarray:
    """Colour-code coefficients: alpha (H, W) in [0, 1] -> RGB uint8 (H, W, 3).

    With the default JET map, 0 is dark blue and 1 is dark red.
    """
    grey = np.round(np.clip(alpha, 0.0, 1.0) * 255).astype(np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(grey, colormap), cv2.COLOR_BGR2RGB)


def overlay_attention(
    image: np.ndarray, alpha: np.ndarray, opacity: float = 0.5, colormap: int = cv2.COLORMAP_JET
) -> np.ndarray:
    """Blend the heatmap of alpha over an RGB image.

    Args:
        image: RGB uint8 (H, W, 3).
        alpha: coefficients (h, w) in [0, 1]; resized to (H, W) if needed.
        opacity: weight of the heatmap, in [0, 1].
        colormap: OpenCV colormap id.

    Returns:
        RGB uint8 (H, W, 3): ``(1 - opacity) * image + opacity * heatmap``.
    """
    if not 0.0 <= opacity <= 1.0:
        raise ValueError(f'overlay_attention: opacity must be in [0, 1], got {opacity!r}')
    height, width = image.shape[:2]
    if alpha.shape[:2] != (height, width):
        alpha = cv2.resize(
            alpha.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR
        )
    heat = attention_heatmap(alpha, colormap).astype(np.float32)
    blend = (1.0 - opacity) * image.astype(np.float32) + opacity * heat
    return np.clip(np.round(blend), 0, 255).astype(np.uint8)
