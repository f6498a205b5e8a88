"""Paths of the wrong kind refused in one line: a file where a folder is due, or the reverse.

Without these checks a work dir that is an existing file ends in mmengine's
``FileExistsError`` traceback, and a ``--out-metrics`` that is a folder fails
only after the whole test has run.
"""

import os.path as osp

from attn_unet.errors import PathKindError

__all__ = ['check_file_path', 'check_folder_path']


def _file_above(path: str) -> str | None:
    """The first existing ancestor of ``path`` if it is not a folder, else None."""
    parent = osp.dirname(osp.abspath(path))
    while parent and not osp.exists(parent):
        parent = osp.dirname(parent)
    return parent if parent and not osp.isdir(parent) else None


def check_folder_path(path: str, what: str) -> None:
    """Refuse ``path`` as a folder to write into when it, or a folder above it, is a file.

    Args:
        path: the folder (it may not exist yet).
        what: how the user gave it, for the message (e.g. ``'--work-dir'``).

    Raises:
        PathKindError: naming the file that is in the way.
    """
    if osp.exists(path) and not osp.isdir(path):
        raise PathKindError(
            f'{what} {path} is a file, not a folder: pass a folder (or a path to create one at)'
        )
    blocker = _file_above(path)
    if blocker:
        raise PathKindError(
            f'{what} {path} cannot be created: {blocker} is a file, not a folder; pass a path '
            'under a folder'
        )


def check_file_path(path: str, what: str, example_name: str) -> None:
    """Refuse ``path`` as a file to write when it is a folder, or a folder above it is a file.

    Args:
        path: the file (it may not exist yet).
        what: how the user gave it, for the message (e.g. ``'--out-metrics'``).
        example_name: a file name to suggest inside a folder (e.g. ``'metrics.json'``).

    Raises:
        PathKindError: naming the folder or the file that is in the way.
    """
    if osp.isdir(path):
        raise PathKindError(
            f'{what} {path} is a folder, not a file: pass a file path, e.g. '
            f'{osp.join(path, example_name)}'
        )
    blocker = _file_above(path)
    if blocker:
        raise PathKindError(
            f'{what} {path} cannot be written: {blocker} is a file, not a folder; pass a path '
            'under a folder'
        )
