"""Build a segmentor from a config and a checkpoint, refusing silent mismatches."""

import os.path as osp

import mmcv
import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from mmengine.runner import CheckpointLoader

from attn_unet.engine.preflight import backbone_downsample_rate

from .tool_errors import ToolError

__all__ = [
    'build_segmentor',
    'load_config',
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


def load_config(path: str, cfg_options: dict | None = None) -> Config:
    """Read a config file (SyncBN -> BN for single-process tools).

    Raises:
        ToolError: the file is missing or does not parse.
    """
    if not osp.isfile(path):
        raise ToolError(
            f'config {path} not found: pass a config file, e.g. '
            f'configs/attn_unet/attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py'
        )
    try:
        cfg = Config.fromfile(path)
        if cfg_options:
            cfg.merge_from_dict(cfg_options)
    except Exception as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ToolError(f'cannot read config {path}: {first_line}') from None
    syncbn_to_bn(cfg.model)
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

    Args:
        config: config file path.
        checkpoint: checkpoint written by mmengine (``state_dict`` and ``meta``).
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
    from mmseg.apis import init_model
    from mmseg.utils import get_classes, get_palette

    cfg = load_config(config, cfg_options)
    if device.startswith('cuda') and not torch.cuda.is_available():
        raise ToolError(f'device {device} requested but CUDA is not available: use --device cpu')
    if not osp.isfile(checkpoint):
        raise ToolError(
            f'checkpoint {checkpoint} not found: pass the .pth written by tools/train.py'
        )
    try:
        ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
        state = ckpt.get('state_dict', ckpt)
        if not isinstance(state, dict) or not state:
            raise ValueError('no state_dict')
    except Exception as err:
        reason = str(err).strip().splitlines()[0][:120] if str(err).strip() else 'unreadable'
        raise ToolError(
            f'checkpoint {checkpoint} is corrupt or not a PyTorch checkpoint '
            f'({reason}): re-download it or pass the .pth written by '
            f'tools/train.py'
        ) from None
    if pad_to_divisor and not cfg.model.get('data_preprocessor', {}).get('test_cfg'):
        cfg.model.data_preprocessor.test_cfg = ConfigDict(
            size_divisor=backbone_downsample_rate(cfg.model)
        )
    model = init_model(cfg, None, device='cpu')
    _load_weights(model, state, checkpoint, config)
    meta = (ckpt.get('meta') or {}).get('dataset_meta') if isinstance(ckpt, dict) else None
    if not meta or 'classes' not in meta:
        num_classes = model.decode_head.num_classes
        name = 'cityscapes' if num_classes == 19 else None
        meta = dict(
            classes=get_classes(name) if name else [str(i) for i in range(num_classes)],
            palette=get_palette(name)
            if name
            else np.random.default_rng(0).integers(0, 256, (num_classes, 3)).tolist(),
        )
    model.dataset_meta = dict(classes=list(meta['classes']), palette=list(meta['palette']))
    return model.to(device).eval()


def _load_weights(model: torch.nn.Module, state: dict, checkpoint: str, config: str) -> None:
    """Load state into model; every model weight must come from the checkpoint."""
    state = {key.removeprefix('module.'): value for key, value in state.items()}
    try:
        result = model.load_state_dict(state, strict=False)
    except RuntimeError as err:
        line = next(
            (ln.strip() for ln in str(err).splitlines() if 'size mismatch' in ln),
            str(err).splitlines()[0],
        )
        raise ToolError(
            f'checkpoint {checkpoint} does not fit config {config} ({line}): '
            f'pass the checkpoint trained with this config'
        ) from None
    missing = [key for key in result.missing_keys if not key.endswith('num_batches_tracked')]
    if missing or result.unexpected_keys:
        problem = (
            f'lacks {len(missing)} weights of the model, e.g. {missing[0]}'
            if missing
            else f'has {len(result.unexpected_keys)} weights the model does not, '
            f'e.g. {result.unexpected_keys[0]}'
        )
        raise ToolError(
            f'checkpoint {checkpoint} {problem}: it was trained with another '
            f'config than {config}; pass the matching config or checkpoint'
        )


def build_segmentor(cfg: Config) -> torch.nn.Module:
    """The config's model, freshly initialised (no checkpoint), in train mode."""
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    init_default_scope(cfg.get('default_scope', 'mmseg'))
    try:
        return MODELS.build(cfg.model)
    except Exception as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ToolError(f'cannot build the model of the config: {first_line}') from None
