"""Checks run before a runner builds anything, so bad input fails in one line.

Each check raises a :class:`~attn_unet.engine.errors.ToolError` (or the data
side's ``DatasetLayoutError``) whose message names the problem and the fix.
"""

import difflib
import inspect
import math
import os.path as osp
from typing import Iterable, List, Tuple

import torch
from mmengine.runner import Runner

from .errors import CheckpointError, ConfigKeyError, InputSizeError

__all__ = [
    'backbone_downsample_rate',
    'check_cfg_option_keys',
    'check_checkpoint',
    'check_datasets',
    'check_input_sizes',
    'resolve_resume_checkpoint',
]

UNET_TYPES = ('UNet', 'AttentionUNet')
UNET_DEFAULTS = dict(num_stages=5, strides=(1, 1, 1, 1, 1), downsamples=(True, True, True, True))
# Top-level keys a runner or the tools read although no _base_ file sets them.
EXTRA_TOP_LEVEL_KEYS = ('runner_type', 'model_memory_format', 'launcher', 'work_dir', 'sync_bn')


def backbone_downsample_rate(model_cfg: dict) -> int:
    """Total downsample rate of a UNet-family backbone (1 for other backbones).

    Mirrors mmseg's UNet: stage ``i`` halves the size when ``strides[i] == 2``
    or ``downsamples[i - 1]`` is set.
    """
    backbone = (model_cfg or {}).get('backbone') or {}
    if model_cfg.get('type') == 'SegTTAModel':
        backbone = (model_cfg.get('module') or {}).get('backbone') or {}
    if backbone.get('type') not in UNET_TYPES:
        return 1
    args = {**UNET_DEFAULTS, **backbone}
    return 2 ** sum(
        1
        for i in range(1, args['num_stages'])
        if args['strides'][i] == 2 or args['downsamples'][i - 1]
    )


def _pipeline(dataloader_cfg: dict | None) -> List[dict]:
    dataset = (dataloader_cfg or {}).get('dataset') or {}
    while 'pipeline' not in dataset and isinstance(dataset.get('dataset'), dict):
        dataset = dataset['dataset']  # RepeatDataset and the like wrap the real one
    return list(dataset.get('pipeline') or [])


def _iter_transforms(pipeline: Iterable) -> Iterable[dict]:
    for step in pipeline:
        if isinstance(step, dict):
            yield step
            for nested in step.get('transforms') or []:
                yield from _iter_transforms(nested if isinstance(nested, list) else [nested])


def _input_sizes(cfg) -> List[Tuple[str, Tuple[int, int]]]:
    """``(where, (h, w))`` of every fixed size the model will be fed."""
    sizes = []
    for step in _iter_transforms(_pipeline(cfg.get('train_dataloader'))):
        if step.get('type') == 'RandomCrop':
            sizes.append(('train crop_size (RandomCrop)', tuple(step['crop_size'])))
    preprocessor = (cfg.get('model') or {}).get('data_preprocessor') or {}
    if preprocessor.get('size'):
        sizes.append(('model.data_preprocessor.size', tuple(preprocessor['size'])))
    test_cfg = (cfg.get('model') or {}).get('test_cfg') or {}
    if test_cfg.get('mode') == 'slide':
        # Sliding windows feed the model crop_size tiles only, whatever the image size.
        sizes.append(('model.test_cfg.crop_size (slide)', tuple(test_cfg['crop_size'])))
        return sizes
    for split in ('val', 'test'):
        for step in _iter_transforms(_pipeline(cfg.get(f'{split}_dataloader'))):
            scale = step.get('scale')
            if step.get('type') == 'Resize' and isinstance(scale, (tuple, list)):
                # mmcv's Resize takes (w, h).
                sizes.append((f'{split} Resize scale', (scale[1], scale[0])))
    return sizes


def check_input_sizes(cfg) -> None:
    """Refuse crop / test sizes the backbone cannot take.

    Raises:
        InputSizeError: naming the size, the rate and the nearest valid size.
    """
    rate = backbone_downsample_rate(cfg.get('model') or {})
    if rate == 1:
        return
    for where, (h, w) in _input_sizes(cfg):
        if h % rate or w % rate:
            fix_h, fix_w = (max(rate, round(v / rate) * rate) for v in (h, w))
            raise InputSizeError(
                f'{where} {h}x{w} is not divisible by the backbone downsample rate {rate} '
                f'(2^{int(math.log2(rate))} from its downsampling stages): use multiples of '
                f'{rate}, e.g. {fix_h}x{fix_w}'
            )


def _known_top_level_keys(cfg) -> set:
    runner_args = set(inspect.signature(Runner.__init__).parameters) - {'self'}
    return set(cfg.keys()) | runner_args | set(EXTRA_TOP_LEVEL_KEYS)


def check_cfg_option_keys(cfg, options: dict | None) -> None:
    """Refuse ``--cfg-options`` whose top-level key nothing reads.

    Call before merging ``options`` into ``cfg``. Nested keys are checked
    later, when the module they configure is built.

    Raises:
        ConfigKeyError: naming the key and the closest known one.
    """
    known = _known_top_level_keys(cfg)
    for key in options or {}:
        top = key.split('.')[0]
        if top not in known:
            close = difflib.get_close_matches(top, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ''
            raise ConfigKeyError(
                f'unknown config key {top!r} in --cfg-options{hint}: nothing reads it; '
                'fix the spelling'
            )


def check_checkpoint(path: str, purpose: str = 'test', need_training_state: bool = False) -> None:
    """Refuse a checkpoint that is missing, unreadable or lacks what is needed.

    Args:
        path: checkpoint file.
        purpose: what it is loaded for, used in the message.
        need_training_state: also require the optimizer state and meta that
            resuming needs.

    Raises:
        CheckpointError: one line naming the file and the fix.
    """
    if not osp.isfile(path):
        raise CheckpointError(
            f'{purpose} checkpoint {path} does not exist: pass the path of a saved .pth file'
        )
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as exc:  # torch raises several types for damaged files
        reason = ' '.join(str(exc).split())[:120] or type(exc).__name__
        raise CheckpointError(
            f'{purpose} checkpoint {path} is corrupt or truncated ({reason}): use another '
            'checkpoint, e.g. an earlier iter_*.pth, or re-download it'
        ) from exc
    if not isinstance(checkpoint, dict):
        raise CheckpointError(f'{purpose} checkpoint {path} is not a checkpoint dict')
    required = ['state_dict'] + (['optimizer', 'meta'] if need_training_state else [])
    missing = [key for key in required if key not in checkpoint]
    if missing and not (purpose == 'test' and all(torch.is_tensor(v) for v in checkpoint.values())):
        raise CheckpointError(
            f'{purpose} checkpoint {path} lacks {", ".join(missing)}: it was not saved by '
            'a training run; use a checkpoint written by tools/train.py'
        )


def resolve_resume_checkpoint(cfg) -> str | None:
    """The checkpoint ``cfg.resume`` will load, checked; None when starting afresh.

    With ``load_from`` unset, mmengine reads ``<work_dir>/last_checkpoint``.
    """
    if not cfg.get('resume'):
        return None
    path = cfg.get('load_from')
    if path is None:
        pointer = osp.join(cfg.work_dir, 'last_checkpoint')
        if not osp.isfile(pointer):
            return None
        with open(pointer) as f:
            path = f.read().strip()
    check_checkpoint(path, purpose='resume', need_training_state=True)
    return path


def check_datasets(cfg, mode: str) -> None:
    """Run the data layout check on the dataloaders ``mode`` will use.

    Args:
        cfg: the full config.
        mode: ``'train'`` (train, plus val when a val loop is set), ``'val'``
            or ``'test'``.

    Raises:
        DatasetLayoutError: one line naming the missing folder or files.
    """
    from attn_unet.datasets import check_dataset_cfg

    splits = {'train': ['train', 'val'], 'val': ['val'], 'test': ['test']}[mode]
    for split in splits:
        dataloader = cfg.get(f'{split}_dataloader')
        if split == 'val' and mode == 'train' and not cfg.get('val_cfg'):
            continue
        if isinstance(dataloader, dict) and isinstance(dataloader.get('dataset'), dict):
            check_dataset_cfg(dataloader['dataset'])
