"""The segmentor a tool works with: built from a config, weights from a checkpoint, checked.

Single-process tools (image demo, attention maps, FLOPs, speed, prediction) get
BN where a config names SyncBN, which needs a process group.
"""

import copy
import os.path as osp

import mmcv
import numpy as np
import torch
from mmengine.config import Config, ConfigDict

from attn_unet.checkpoints import (
    check_state_dict_fits,
    load_checkpoint_file,
    model_state_dict,
)
from attn_unet.errors import ToolError
from attn_unet.models import backbone_downsample_rate

from .config import load_config

__all__ = [
    'build_segmentor',
    'load_image',
    'load_segmentor',
    'syncbn_to_bn',
]


def syncbn_to_bn(cfg):
    """Replace every ``type='SyncBN'`` in a config (in place) by 'BN'; returns cfg."""
    if isinstance(cfg, dict):
        if cfg.get('type') == 'SyncBN':
            cfg['type'] = 'BN'
        for value in cfg.values():
            syncbn_to_bn(value)
    elif isinstance(cfg, (list, tuple)):
        for value in cfg:
            syncbn_to_bn(value)
    return cfg


def load_image(path: str) -> np.ndarray:
    """Read an image file as RGB uint8 (H, W, 3); ToolError if missing or undecodable."""
    if not osp.isfile(path):
        raise ToolError(f'image {path} not found: pass an existing image file')
    try:
        image = mmcv.imread(path, channel_order='rgb')
    except Exception:
        image = None
    if image is None:
        raise ToolError(f'cannot decode image {path}: pass a PNG or JPEG file')
    return image


def load_segmentor(
    config: str,
    checkpoint: str,
    device: str = 'cpu',
    cfg_options: dict | None = None,
    pad_to_divisor: bool = True,
):
    """An mmseg segmentor in eval mode with every weight taken from the checkpoint.

    mmseg's ``init_model`` builds the model; the checkpoint is read once by the
    engine's safe loader and held to the model by the same fit check that
    ``tools/test.py`` uses, so a checkpoint of another config is refused instead
    of leaving weights at their initial values.

    Args:
        config: config file path.
        checkpoint: checkpoint written by mmengine (``state_dict`` and
            ``meta``) or a bare ``model.state_dict()``.
        device: 'cpu', 'cuda' or 'cuda:N'.
        cfg_options: overrides merged into the config.
        pad_to_divisor: pad test images to the backbone's downsample rate, so
            that images of any size can be segmented (padding is cropped off
            the prediction).

    Returns:
        The model, with ``dataset_meta`` (classes, palette) and ``cfg`` set.

    Raises:
        ToolError: missing/corrupt checkpoint, a checkpoint of another
            architecture, or an unavailable device.
    """
    from mmengine.runner.checkpoint import _load_checkpoint_to_model
    from mmseg.apis import init_model

    cfg = load_config(config, cfg_options)
    syncbn_to_bn(cfg.model)
    if device.startswith('cuda') and not torch.cuda.is_available():
        raise ToolError(f'device {device} requested but CUDA is not available: use --device cpu')
    ckpt = load_checkpoint_file(checkpoint, 'test')
    if pad_to_divisor and not cfg.model.get('data_preprocessor', {}).get('test_cfg'):
        cfg.model.data_preprocessor.test_cfg = ConfigDict(
            size_divisor=backbone_downsample_rate(cfg.model) or 1
        )
    model = init_model(cfg, None, device='cpu')
    # Pictures of the gates need trained gates: no fresh-gate allowance here.
    check_state_dict_fits(model, ckpt, checkpoint, allow_fresh_gates=False)
    _load_checkpoint_to_model(model, model_state_dict(ckpt), strict=True)
    model.dataset_meta = _dataset_meta(ckpt, model.decode_head.num_classes)
    return model.to(device).eval()


def _dataset_meta(ckpt: dict, num_classes: int) -> dict:
    """Classes and palette from the checkpoint's meta, else Cityscapes' or numbered ones.

    The training set's record of how its slices were cut is kept when the meta has one:
    ``ct_slices`` (Synapse, :mod:`attn_unet.slicing.ct_slices`) or ``volume_slices``
    (the Decathlon / nnU-Net converter's plan, :mod:`attn_unet.slicing.slice_plan`).
    """
    from mmseg.utils import get_classes, get_palette

    meta = (ckpt.get('meta') or {}).get('dataset_meta') if 'state_dict' in ckpt else None
    if not meta or 'classes' not in meta:
        name = 'cityscapes' if num_classes == 19 else None
        meta = dict(
            classes=get_classes(name) if name else [str(i) for i in range(num_classes)],
            palette=get_palette(name)
            if name
            else np.random.default_rng(0).integers(0, 256, (num_classes, 3)).tolist(),
        )
    kept = dict(classes=list(meta['classes']), palette=list(meta['palette']))
    for record in ('ct_slices', 'volume_slices'):
        if meta.get(record):
            kept[record] = dict(meta[record])
    return kept


def build_segmentor(cfg: Config) -> torch.nn.Module:
    """The config's model, freshly initialised (no checkpoint), in train mode, SyncBN -> BN."""
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    init_default_scope(cfg.get('default_scope', 'mmseg'))
    try:
        return MODELS.build(syncbn_to_bn(copy.deepcopy(cfg.model)))
    except Exception as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ToolError(f'cannot build the model of the config: {first_line}') from None
