"""Training cases split into folds, as the field makes them: seeded k-fold, or the user's file.

- **k-fold** (default 5): the sorted case ids in a seeded random order, cut into k folds of
  near-equal size; fold i validates on the i-th and trains on the rest. The idea is nnU-Net's
  (``KFold(shuffle=True, random_state=12345)``), not its exact folds.
- **A split file** in nnU-Net's ``splits_final.json`` shape: a list of
  ``{"train": [case, ...], "val": [case, ...]}``, one per fold; nnU-Net's own file gives its
  very folds. Every case named must be a training case, and no case may be in both lists of
  a fold.

The test cases (``imagesTs``, no labels) are in no fold: ``tools/predict.py`` segments them.
"""

import json
import os.path as osp
from typing import List, Sequence

import numpy as np

from .raw_set import DecathlonConvertError

__all__ = ['DEFAULT_SEED', 'k_fold', 'read_split_file']

DEFAULT_SEED = 12345  # nnU-Net's


def k_fold(case_ids: Sequence[str], num_folds: int = 5, seed: int = DEFAULT_SEED) -> List[dict]:
    """``[{'train': [...], 'val': [...]}, ...]``: ``num_folds`` folds of the cases, seeded.

    Raises:
        DecathlonConvertError: fewer cases than folds, or fewer than 2 folds.
    """
    cases = sorted(case_ids)
    if num_folds < 2 or len(cases) < num_folds:
        raise DecathlonConvertError(
            f'{num_folds}-fold split of {len(cases)} training case(s): pass --num-folds between '
            f'2 and {max(len(cases), 2)}, or a --splits file'
        )
    order = np.random.default_rng(seed).permutation(len(cases))
    folds = np.array_split(order, num_folds)
    return [
        dict(
            train=sorted(cases[i] for j, part in enumerate(folds) if j != k for i in part),
            val=sorted(cases[i] for i in folds[k]),
        )
        for k in range(num_folds)
    ]


def read_split_file(path: str, case_ids: Sequence[str]) -> List[dict]:
    """The folds of a ``splits_final.json``-shaped file, checked against the training cases.

    Raises:
        DecathlonConvertError: One line: the file is missing or not JSON, not a list of
            ``{"train": [...], "val": [...]}``, names an unknown case, puts a case in both
            lists of a fold, or has a fold without validation cases.
    """
    if not osp.isfile(path):
        raise DecathlonConvertError(f'split file {path} not found: pass a splits_final.json')
    try:
        with open(path, encoding='utf-8') as f:
            folds = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = ' '.join(str(exc).split())[:120]
        raise DecathlonConvertError(f'cannot read split file {path} ({reason}): fix it') from exc
    shape = 'a list of {"train": [case, ...], "val": [case, ...]} (nnU-Net\'s splits_final.json)'
    if not isinstance(folds, list) or not folds:
        raise DecathlonConvertError(f'split file {path} is not {shape}')
    known = set(case_ids)
    checked = []
    for index, fold in enumerate(folds):
        if not isinstance(fold, dict) or not all(
            isinstance(fold.get(k), list) and all(isinstance(c, str) for c in fold[k])
            for k in ('train', 'val')
        ):
            raise DecathlonConvertError(f'split file {path}: fold {index} is not {shape}')
        unknown = [c for c in fold['train'] + fold['val'] if c not in known]
        if unknown:
            raise DecathlonConvertError(
                f'split file {path}: fold {index} names case {unknown[0]}, which is not a '
                'training case of the raw set: fix the file or pass the matching raw folder'
            )
        both = sorted(set(fold['train']) & set(fold['val']))
        if both:
            raise DecathlonConvertError(
                f'split file {path}: case {both[0]} is in both train and val of fold {index}: '
                'a case validates only where it is not trained on'
            )
        if not fold['val'] or not fold['train']:
            raise DecathlonConvertError(
                f'split file {path}: fold {index} has an empty train or val list: give both'
            )
        checked.append(dict(train=sorted(fold['train']), val=sorted(fold['val'])))
    return checked
