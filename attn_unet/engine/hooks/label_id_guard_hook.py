"""Refuse, batch by batch, label ids the classes do not cover, naming the label file.

The preflight data check (:mod:`attn_unet.datasets.integrity`) reads every
label once; a label changed after it, a run with ``data_check.enabled=False``
or a transform that makes new ids would still reach the model. There, ids
outside the classes crash the training loss without naming the file, and in
validation or testing they are silently dropped from the confusion counts.
This hook looks at each batch's labels before the model does.
"""

import torch
from mmengine.hooks import Hook

from attn_unet.errors import DataIntegrityError
from attn_unet.registry import HOOKS

__all__ = ['LabelIdGuardHook']

DEFAULT_IGNORE_INDEX = 255


@HOOKS.register_module()
class LabelIdGuardHook(Hook):
    """Raise :class:`DataIntegrityError` on a batch label with ids outside the classes.

    Allowed ids are ``0 .. num_classes - 1`` (the loop dataset's metainfo
    ``classes``) and the dataset's ``ignore_index``; labels are looked at as
    the pipeline gives them, ``gt_sem_seg`` of shape (1, H, W).
    """

    priority = 'VERY_HIGH'

    def __init__(self):
        self._allowed: dict = {}

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._check(runner, 'train', data_batch)

    def before_val_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._check(runner, 'val', data_batch)

    def before_test_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._check(runner, 'test', data_batch)

    def _check(self, runner, split: str, data_batch) -> None:
        if not isinstance(data_batch, dict):
            return
        if split not in self._allowed:
            self._allowed[split] = _allowed_ids(runner, split)
        num_classes, ignore_index = self._allowed[split]
        if not num_classes:
            return
        for sample in data_batch.get('data_samples') or []:
            if 'gt_sem_seg' not in sample:
                continue
            labels = sample.gt_sem_seg.data
            outside = ((labels < 0) | (labels >= num_classes)) & (labels != ignore_index)
            if bool(outside.any()):
                ids = torch.unique(labels[outside]).tolist()
                shown = ', '.join(map(str, ids[:5])) + (', ...' if len(ids) > 5 else '')
                path = sample.metainfo.get('seg_map_path', 'a label')
                raise DataIntegrityError(
                    f'{split} data: {path} has ids {shown} outside the {num_classes} classes '
                    f'and ignore index {ignore_index} as the pipeline loads it (changed after '
                    'the data check, or made by a transform): map them to a class or to the '
                    'ignore index, then rerun tools/misc/check_dataset.py'
                )


def _allowed_ids(runner, split: str) -> tuple:
    """``(num_classes, ignore_index)`` of the dataset ``split``'s loop reads (0 if unknown)."""
    try:
        dataset = getattr(runner, f'{split}_dataloader').dataset
    except (AttributeError, RuntimeError, TypeError):
        return 0, DEFAULT_IGNORE_INDEX
    classes = (getattr(dataset, 'metainfo', None) or {}).get('classes') or ()
    return len(classes), getattr(dataset, 'ignore_index', DEFAULT_IGNORE_INDEX)
