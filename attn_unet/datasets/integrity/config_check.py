"""The data check of a whole config: every dataset a run in a given mode will read.

:func:`check_data` is what the runner's preflight and ``tools/misc/check_dataset.py``
(through :func:`attn_unet.apis.check_dataset`) call. It unwraps ``ConcatDataset`` /
``RepeatDataset`` style wrappers and check each dataset inside with
:func:`~.dataset_check.check_dataset_files`.
"""

from typing import Iterable, List

from ..layout import check_dataset_cfg
from .dataset_check import check_dataset_files
from .options import data_check_options
from .report import DatasetFilesReport, raise_first_problem

__all__ = [
    'check_data',
    'check_layouts',
    'data_check_splits',
    'leaf_dataset_cfgs',
]


def data_check_splits(cfg, mode: str) -> List[str]:
    """Dataloader splits a run in ``mode`` reads: train (plus val when a val loop is set)."""
    if mode not in ('train', 'val', 'test'):
        raise ValueError(f"mode must be 'train', 'val' or 'test', got {mode!r}")
    if mode == 'train':
        return ['train', 'val'] if cfg.get('val_cfg') and cfg.get('val_dataloader') else ['train']
    return [mode]


def check_layouts(cfg, mode: str) -> None:
    """The folder layout check (:mod:`..layout`) of every dataset a run in ``mode`` reads.

    Raises:
        DatasetLayoutError: one line naming the missing folder or files.
    """
    for split in data_check_splits(cfg, mode):
        dataloader = cfg.get(f'{split}_dataloader')
        if isinstance(dataloader, dict):
            check_dataset_cfg(dataloader.get('dataset'))


def leaf_dataset_cfgs(dataset_cfg) -> Iterable[dict]:
    """The datasets inside ``dataset_cfg``, wrappers (``dataset`` / ``datasets``) unwrapped."""
    if not isinstance(dataset_cfg, dict):
        return
    children = list(dataset_cfg.get('datasets') or [])
    if isinstance(dataset_cfg.get('dataset'), dict):
        children.append(dataset_cfg['dataset'])
    if not children:
        yield dataset_cfg
    for child in children:
        yield from leaf_dataset_cfgs(child)


def check_data(cfg, mode: str, raise_on_error: bool = True) -> List[DatasetFilesReport]:
    """Check the files of every dataset a run in ``mode`` uses.

    Args:
        cfg: the full config; ``cfg.data_check`` (see :mod:`.options`) tunes or
            disables the check.
        mode: ``'train'``, ``'val'`` or ``'test'`` (see :func:`data_check_splits`).
        raise_on_error: raise on the first bad file (else only report).

    Returns:
        One report per dataset checked (empty when disabled).

    Raises:
        DataIntegrityError: one line naming the first bad file, what is wrong,
            how many more bad files there are and the fix.
    """
    options = data_check_options(cfg.get('data_check'))
    if not options['enabled']:
        return []
    scope = cfg.get('default_scope') or 'mmseg'
    reports = []
    for split in data_check_splits(cfg, mode):
        dataloader = cfg.get(f'{split}_dataloader')
        if not isinstance(dataloader, dict):
            continue
        for dataset_cfg in leaf_dataset_cfgs(dataloader.get('dataset')):
            reports.append(check_dataset_files(dataset_cfg, split, options, scope))
    if raise_on_error:
        raise_first_problem(reports, getattr(cfg, 'filename', None))
    return reports
