"""Hook that saves Attention U-Net gate heatmaps while mmengine tests a model."""

import os.path as osp
from collections.abc import Sequence

import cv2
import mmcv
import numpy as np
from mmengine.hooks import Hook

from attn_unet.registry import HOOKS

from .attention_grid import attention_panels, compose_grid, sample_attention, save_rgb

__all__ = ['AttentionVisualizationHook']


@HOOKS.register_module()
class AttentionVisualizationHook(Hook):
    """Write one grid per image: input, prediction, each gated stage's overlay.

    Reads ``model.backbone.attention_maps`` after each test iteration (DDP is
    unwrapped) and writes ``<runner.log_dir>/<out_dir>/<image stem>.png``. For
    models without attention maps (e.g. plain UNet) it does nothing. Only
    ``test_cfg.mode='whole'`` maps cover the image; under 'slide' the hook
    skips, since the maps then hold the last crop only.

    Args:
        out_dir: folder under ``runner.log_dir``; an absolute path is used as is.
        interval: draw the images of every ``interval``-th iteration.
        draw_val: also draw during validation, into ``<out_dir>/val_<iter>``.
        opacity: heatmap weight of the overlays, in [0, 1].
        ncols: panels per grid row.
    """

    priority = 'LOW'

    def __init__(
        self,
        out_dir: str = 'attention',
        interval: int = 1,
        draw_val: bool = False,
        opacity: float = 0.5,
        ncols: int = 3,
    ):
        if not isinstance(interval, int) or interval < 1:
            raise ValueError(
                f'AttentionVisualizationHook: interval must be an int >= 1, got {interval!r}'
            )
        self.out_dir = out_dir
        self.interval = interval
        self.draw_val = draw_val
        self.opacity = opacity
        self.ncols = ncols

    def after_test_iter(
        self,
        runner,
        batch_idx: int,
        data_batch: dict | None = None,
        outputs: Sequence | None = None,
    ) -> None:
        if batch_idx % self.interval == 0:
            self._draw(runner, data_batch, outputs, self._folder(runner))

    def after_val_iter(
        self,
        runner,
        batch_idx: int,
        data_batch: dict | None = None,
        outputs: Sequence | None = None,
    ) -> None:
        if self.draw_val and batch_idx % self.interval == 0:
            self._draw(
                runner, data_batch, outputs, osp.join(self._folder(runner), f'val_{runner.iter}')
            )

    def _folder(self, runner) -> str:
        return self.out_dir if osp.isabs(self.out_dir) else osp.join(runner.log_dir, self.out_dir)

    def _draw(self, runner, data_batch, outputs, folder: str) -> None:
        model = getattr(runner.model, 'module', runner.model)
        maps = getattr(getattr(model, 'backbone', None), 'attention_maps', None)
        test_cfg = getattr(model, 'test_cfg', None) or {}
        if not maps or not outputs or test_cfg.get('mode', 'whole') != 'whole':
            return
        palette = _palette(runner, model)
        inputs = (data_batch or {}).get('inputs')
        for index, sample in enumerate(outputs):
            metainfo = sample.metainfo
            image = _load_rgb(metainfo, None if inputs is None else inputs[index])
            pred = sample.pred_sem_seg.data[0].cpu().numpy() if 'pred_sem_seg' in sample else None
            panels = attention_panels(
                image, pred, palette, sample_attention(maps, index, metainfo), self.opacity
            )
            stem = osp.splitext(osp.basename(metainfo.get('img_path', f'{index}.png')))[0]
            save_rgb(osp.join(folder, f'{stem}.png'), compose_grid(panels, self.ncols))


def _load_rgb(metainfo: dict, packed_input) -> np.ndarray:
    """The original image, RGB uint8 (H_ori, W_ori, 3): from its file, else the input."""
    path = metainfo.get('img_path')
    if path and osp.isfile(path):
        return mmcv.imread(path, channel_order='rgb')
    # packed inputs are (3, H, W) BGR after the test pipeline's resize.
    image = packed_input.permute(1, 2, 0).cpu().numpy().astype(np.uint8)[..., ::-1]
    height, width = metainfo.get('ori_shape', image.shape[:2])[:2]
    return np.ascontiguousarray(cv2.resize(image, (int(width), int(height))))


def _palette(runner, model) -> list:
    """RGB colour per class: the test/val loop gives the visualizer the dataset's."""
    for meta in (
        getattr(getattr(runner, 'visualizer', None), 'dataset_meta', None),
        getattr(model, 'dataset_meta', None),
    ):
        if meta and meta.get('palette'):
            return list(meta['palette'])
    num_classes = getattr(getattr(model, 'decode_head', None), 'num_classes', 256)
    return np.random.default_rng(0).integers(0, 256, (num_classes, 3)).tolist()
