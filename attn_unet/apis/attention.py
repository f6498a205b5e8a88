"""Attention grid of one image file, for ``tools/visualize_attention.py``."""

import numpy as np

from attn_unet.errors import ToolError
from attn_unet.visualization import attention_panels, compose_grid, sample_attention

from .segmentor import load_image

__all__ = ['attention_grid_for_image']


def attention_grid_for_image(
    model, image_path: str, opacity: float = 0.5, ncols: int = 3
) -> np.ndarray:
    """Segment one image and draw input, prediction and each gated stage's overlay.

    Args:
        model: segmentor from :func:`~attn_unet.apis.load_segmentor`, with
            ``dataset_meta`` set and an AttentionUNet-like backbone.
        image_path: image file.
        opacity: heatmap weight of the overlays.
        ncols: panels per grid row.

    Returns:
        RGB uint8 grid of 2 + (number of gated stages) panels, each the size
        of the original image.

    Raises:
        ToolError: the image is missing or the model has no attention gates.
    """
    from mmseg.apis import inference_model

    backbone = getattr(model, 'backbone', None)
    if not hasattr(backbone, 'attention_maps') or not any(
        getattr(backbone, 'attention_stages', ())
    ):
        raise ToolError(
            f"the model's backbone ({type(backbone).__name__}) has no attention "
            f'gates: pass an AttentionUNet config and checkpoint'
        )
    image = load_image(image_path)
    if model.test_cfg.get('mode', 'whole') != 'whole':
        model.test_cfg.mode = 'whole'  # slide mode would leave the maps of the last crop only
    result = inference_model(model, image_path)
    stage_maps = sample_attention(backbone.attention_maps, 0, result.metainfo)
    pred = result.pred_sem_seg.data[0].cpu().numpy()
    panels = attention_panels(image, pred, model.dataset_meta['palette'], stage_maps, opacity)
    return compose_grid(panels, ncols)
