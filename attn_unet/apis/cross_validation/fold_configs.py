"""The folds of a converted set, and each fold's config derived from one config.

The Decathlon / nnU-Net converter (``tools/dataset_converters/decathlon.py``) writes every
fold's slice lists (``splits/fold<k>_{train,val}.txt``) and the folds by case
(``conversion.json``), but configs for one fold. A cross-validation takes that config (or
any config whose loaders read those lists) and derives fold k's from it by swapping the
lists: ``<work dir>/configs/<name with fold<k>>.py`` inherits the config and sets only the
``ann_file`` of its train, validation and test datasets. So each fold trains what the one
config says, and the derived file is a config a user can read and run by hand.
"""

import json
import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from attn_unet.errors import ToolError

__all__ = [
    'CONVERSION_RECORD',
    'FoldSet',
    'cv_name',
    'find_fold_set',
    'fold_config_name',
    'fold_config_text',
]

CONVERSION_RECORD = 'conversion.json'
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
_FOLD_LIST = re.compile(r'^(?P<folder>(?:.*/)?)fold(?P<fold>\d+)_(?P<part>train|val)\.txt$')
_FOLD_IN_NAME = re.compile(r'fold\d+')
CONVERTER = 'tools/dataset_converters/decathlon.py'


@dataclass(frozen=True)
class FoldSet:
    """What a cross-validation of one config needs to know about its folds.

    Attributes:
        config: the config file (absolute).
        data_root: the converted folder its loaders read.
        record: the conversion record (``conversion.json``).
        folds: ``[{'train': [case, ...], 'val': [case, ...]}, ...]``, the converter's.
        lists: per loader, the key path to its dataset's ``ann_file`` and the folder of the
            fold lists (``{'train_dataloader': (('dataset',), 'splits/'), ...}``).
    """

    config: str
    data_root: str
    record: dict
    folds: List[dict]
    lists: Dict[str, Tuple[Tuple[str, ...], str]]

    def check_folds(self, folds: Sequence[int]) -> None:
        """Refuse a fold the conversion has not split.

        Raises:
            ToolError: a fold outside ``0 .. k-1`` or one whose lists are missing.
        """
        for fold in folds:
            if not 0 <= fold < len(self.folds):
                raise ToolError(
                    f'--folds {fold}: the conversion of {self.data_root} split '
                    f'{len(self.folds)} folds (0..{len(self.folds) - 1}); pass some of them'
                )
            for loader, (_, folder) in self.lists.items():
                part = 'train' if loader == 'train_dataloader' else 'val'
                path = osp.join(self.data_root, f'{folder}fold{fold}_{part}.txt')
                if not osp.isfile(path):
                    raise ToolError(
                        f'{path} is missing: convert the raw set again with {CONVERTER} (it '
                        'writes the lists of every fold)'
                    )


def find_fold_set(config: str, cfg) -> FoldSet:
    """The folds of the converted set ``cfg`` (loaded from ``config``) trains on.

    Raises:
        ToolError: a loader that does not read a converter's fold list, or a data root
            without its conversion record.
    """
    lists, data_root = {}, None
    for loader in LOADERS:
        if loader not in cfg or cfg[loader] is None:
            continue
        keys, dataset = _ann_file_owner(cfg[loader].get('dataset'))
        ann_file = None if dataset is None else str(dataset.get('ann_file') or '')
        match = _FOLD_LIST.match(ann_file or '')
        part = 'train' if loader == 'train_dataloader' else 'val'
        if match is None or match.group('part') != part:
            raise ToolError(
                f'{config}: {loader}.{".".join(keys) or "dataset"}.ann_file is {ann_file!r}, '
                f'not a fold list (splits/fold<k>_{part}.txt): a cross-validation swaps the '
                f'fold lists a conversion with {CONVERTER} writes; pass a config it wrote'
            )
        lists[loader] = (keys, match.group('folder'))
        data_root = data_root or dataset.get('data_root')
    if 'train_dataloader' not in lists:
        raise ToolError(f'{config} has no train_dataloader: pass a training config')
    record_path = osp.join(str(data_root or ''), CONVERSION_RECORD)
    if not osp.isfile(record_path):
        raise ToolError(
            f'{config}: its data_root {data_root!r} holds no {CONVERSION_RECORD}: a '
            f'cross-validation runs on a set converted with {CONVERTER}; convert it, or fix '
            'data_root'
        )
    try:
        with open(record_path, encoding='utf-8') as f:
            record = json.load(f)
        folds = list(record['splits']['folds'])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ToolError(
            f'cannot read the folds in {record_path} ({type(exc).__name__}): convert the raw set '
            f'again with {CONVERTER}'
        ) from None
    return FoldSet(osp.abspath(config), str(data_root), record, folds, lists)


def fold_config_text(fold_set: FoldSet, fold: int) -> str:
    """Fold ``fold``'s config: ``fold_set.config`` with the fold's lists (Python source)."""
    lines = [
        f'# Fold {fold} of {len(fold_set.folds)} of the cross-validation of',
        f'# {fold_set.config}',
        '# (written by tools/cross_validate.py): that config, with fold '
        f"{fold}'s train and validation lists.",
        f'_base_ = [{fold_set.config!r}]',
    ]
    for loader, (keys, folder) in fold_set.lists.items():
        part = 'train' if loader == 'train_dataloader' else 'val'
        value: dict = dict(ann_file=f'{folder}fold{fold}_{part}.txt')
        for key in reversed(keys):
            value = {key: value}
        lines.append(f'{loader} = {value!r}')
    return '\n'.join(lines) + '\n'


def fold_config_name(config: str, fold: int) -> str:
    """``config``'s file name with ``fold<k>`` in place of its fold (or ``_fold<k>`` added)."""
    stem = osp.splitext(osp.basename(config))[0]
    if _FOLD_IN_NAME.search(stem):
        return _FOLD_IN_NAME.sub(f'fold{fold}', stem) + '.py'
    return f'{stem}_fold{fold}.py'


def cv_name(config: str) -> str:
    """The default work dir's name: ``config``'s stem with ``cv`` in place of ``fold<k>``."""
    stem = osp.splitext(osp.basename(config))[0]
    return _FOLD_IN_NAME.sub('cv', stem) if _FOLD_IN_NAME.search(stem) else f'{stem}_cv'


def _ann_file_owner(dataset) -> Tuple[Tuple[str, ...], dict | None]:
    """The key path (from the loader) to the dataset dict holding ``ann_file``, and that dict.

    Follows wrapped datasets (``RepeatDataset(dataset=...)``).
    """
    keys: Tuple[str, ...] = ('dataset',)
    while isinstance(dataset, dict):
        if 'ann_file' in dataset:
            return keys, dataset
        dataset = dataset.get('dataset')
        keys = (*keys, 'dataset')
    return keys, None
