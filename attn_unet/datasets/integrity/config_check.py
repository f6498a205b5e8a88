"""The data check of a whole config: every dataset a run in a given mode will read.

:func:`check_data` is what the runner's preflight and ``tools/misc/check_dataset.py``
(through :func:`attn_unet.apis.check_dataset`) call. It unwraps ``ConcatDataset`` /
``RepeatDataset`` style wrappers and check each dataset inside with
:func:`~.dataset_check.check_dataset_files`.
"""

from typing import List

from ..dataset_cfgs import data_check_splits, split_dataset_cfgs
from ..layout import check_dataset_cfg
from .dataset_check import check_dataset_files
from .options import data_check_options
from .report import DatasetFilesReport, raise_first_problem

__all__ = [
    'check_data',
    'check_layouts',
]


def check_layouts(cfg, mode: str) -> None:
    """The folder layout check (:mod:`..layout`) of every dataset a run in ``mode`` reads.

    Raises:
        DatasetLayoutError: one line naming the missing folder or files, or a
            Synapse config whose input does not fit the converted slices.
    """
    for split in data_check_splits(cfg, mode):
        for dataset_cfg in split_dataset_cfgs(cfg, split):
            check_dataset_cfg(dataset_cfg, cfg.get('model'))


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
        for dataset_cfg in split_dataset_cfgs(cfg, split):
            reports.append(check_dataset_files(dataset_cfg, split, options, scope))
    if raise_on_error:
        raise_first_problem(reports, getattr(cfg, 'filename', None))
    return reports
