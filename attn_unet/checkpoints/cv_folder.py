"""A cross-validation's folder: its record of which model each trained fold ended with.

``tools/cross_validate.py`` trains every fold in ``<folder>/fold_<k>/`` (a training run's work
dir, :mod:`.run_folder`) and records each finished fold's model in ``<folder>/crossval.json``:
the config its run dumped (the options it trained with included) and its final checkpoint,
as paths relative to the folder, so the folder can be moved whole. ``tools/predict.py``
takes the folder in place of a config and checkpoint and ensembles those models; beside the
record lie ``summary.json`` (the out-of-fold scores) and ``postprocessing.json`` (the
postprocessing chosen on them).
"""

import json
import os.path as osp
from dataclasses import dataclass
from typing import List

from attn_unet.errors import ToolError
from attn_unet.fileio import write_text_atomically

__all__ = [
    'CV_RECORD',
    'POSTPROCESSING_FILE',
    'SUMMARY_FILE',
    'FoldModel',
    'fold_dir',
    'is_cv_folder',
    'read_fold_models',
    'write_fold_models',
]

CV_RECORD = 'crossval.json'
SUMMARY_FILE = 'summary.json'
POSTPROCESSING_FILE = 'postprocessing.json'


@dataclass(frozen=True)
class FoldModel:
    """One trained fold's model.

    Attributes:
        fold: the fold's index.
        config: the config its training run dumped.
        checkpoint: its final checkpoint.
    """

    fold: int
    config: str
    checkpoint: str


def fold_dir(folder: str, fold: int) -> str:
    """``<folder>/fold_<k>``: the fold's training work dir (nnU-Net's ``fold_<k>``)."""
    return osp.join(folder, f'fold_{fold}')


def is_cv_folder(path: str) -> bool:
    """Whether ``path`` is a folder holding a cross-validation record."""
    return osp.isfile(osp.join(str(path), CV_RECORD))


def read_fold_models(folder: str) -> List[FoldModel]:
    """The models of ``folder``'s trained folds, by fold; paths made absolute.

    Raises:
        ToolError: no readable record, or a recorded file is gone.
    """
    path = osp.join(folder, CV_RECORD)
    try:
        with open(path, encoding='utf-8') as f:
            record = json.load(f)
        folds = [
            FoldModel(int(k), osp.join(folder, v['config']), osp.join(folder, v['checkpoint']))
            for k, v in sorted(record['folds'].items(), key=lambda kv: int(kv[0]))
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ToolError(
            f'{path} is not a readable cross-validation record ({type(exc).__name__}): run '
            'tools/cross_validate.py on that folder again'
        ) from None
    if not folds:
        raise ToolError(f'{folder} records no trained fold yet: finish tools/cross_validate.py')
    for model in folds:
        for what in (model.config, model.checkpoint):
            if not osp.isfile(what):
                raise ToolError(
                    f'fold {model.fold} of {folder} records {what}, which is gone: run '
                    'tools/cross_validate.py on that folder again'
                )
    return folds


def write_fold_models(folder: str, models: List[FoldModel], about: dict) -> None:
    """Record ``models`` (replacing the record), paths relative to ``folder``."""
    record = dict(
        **about,
        folds={
            str(m.fold): dict(config=osp.relpath(m.config, folder),
                              checkpoint=osp.relpath(m.checkpoint, folder))
            for m in sorted(models, key=lambda m: m.fold)
        },
    )  # fmt: skip
    write_text_atomically(osp.join(folder, CV_RECORD), json.dumps(record, indent=2) + '\n')
