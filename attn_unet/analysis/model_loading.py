"""Build a segmentor from a config and a checkpoint, refusing silent mismatches."""

import os.path as osp

import mmcv
import numpy as np
import torch
from mmengine.config import Config, ConfigDict

from attn_unet.engine.errors import ToolError
from attn_unet.engine.preflight import backbone_downsample_rate

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

    mmseg's ``init_model`` builds the model and mmengine's ``load_checkpoint``
    (``module.`` prefixes stripped) loads it, strictly: a checkpoint of another
    config is refused instead of leaving weights at their initial values.

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
    from mmengine.runner import load_checkpoint
    from mmseg.apis import init_model

    cfg = load_config(config, cfg_options)
    if device.startswith('cuda') and not torch.cuda.is_available():
        raise ToolError(f'device {device} requested but CUDA is not available: use --device cpu')
    if not osp.isfile(checkpoint):
        raise ToolError(
            f'checkpoint {checkpoint} not found: pass the .pth written by tools/train.py'
        )
    if pad_to_divisor and not cfg.model.get('data_preprocessor', {}).get('test_cfg'):
        cfg.model.data_preprocessor.test_cfg = ConfigDict(
            size_divisor=backbone_downsample_rate(cfg.model)
        )
    model = init_model(cfg, None, device='cpu')
    try:
        ckpt = load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    except RuntimeError as err:
        if str(err).startswith(_MISMATCH):
            raise ToolError(_mismatch_message(str(err), checkpoint, config)) from None
        raise _corrupt(checkpoint, err) from None
    except Exception as err:
        raise _corrupt(checkpoint, err) from None
    model.dataset_meta = _dataset_meta(ckpt, model.decode_head.num_classes)
    return model.to(device).eval()


_MISMATCH = 'The model and loaded state dict do not match exactly'


def _corrupt(checkpoint: str, err: Exception) -> ToolError:
    reason = str(err).strip().splitlines()[0][:120] if str(err).strip() else 'unreadable'
    return ToolError(
        f'checkpoint {checkpoint} is corrupt or not a PyTorch checkpoint ({reason}): '
        're-download it or pass the .pth written by tools/train.py'
    )


def _mismatch_message(report: str, checkpoint: str, config: str) -> str:
    """One line from mmengine's strict-load report: size mismatch, missing or extra keys."""
    lines = [line.strip() for line in report.splitlines()]
    sizes = [line for line in lines if line.startswith('size mismatch')]
    if sizes:
        return (
            f'checkpoint {checkpoint} does not fit config {config} ({sizes[0]}): '
            'pass the checkpoint trained with this config'
        )
    missing = _keys(lines, 'missing keys in source state_dict: ')
    extra = _keys(lines, 'unexpected key in source state_dict: ')
    problem = (
        f'lacks {len(missing)} weights of the model, e.g. {missing[0]}'
        if missing
        else f'has {len(extra)} weights the model does not, e.g. {extra[0]}'
    )
    return (
        f'checkpoint {checkpoint} {problem}: it was trained with another config than '
        f'{config}; pass the matching config or checkpoint'
    )


def _keys(lines: list[str], prefix: str) -> list[str]:
    found = next((line[len(prefix) :] for line in lines if line.startswith(prefix)), '')
    return [key for key in found.split(', ') if key]


def _dataset_meta(ckpt: dict, num_classes: int) -> dict:
    """Classes and palette from the checkpoint's meta, else Cityscapes' or numbered ones."""
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
    return dict(classes=list(meta['classes']), palette=list(meta['palette']))


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
