"""List a dataset folder once per check: the layout check and the file check share it.

:func:`list_folder` walks a folder as mmengine's ``scandir`` does (symlinked folders
followed, hidden files skipped) but fails in one line on a symlink loop, an unreadable
folder or a path that is not a folder. Inside :func:`shared_listings` each folder is
walked once, however many checks ask for it.
"""

import contextlib
import os
import os.path as osp
from typing import Dict, Iterator, List

from attn_unet.errors import DataIntegrityError

__all__ = ['list_folder', 'shared_listings']

_listings: Dict[str, List[str]] | None = None


@contextlib.contextmanager
def shared_listings() -> Iterator[None]:
    """Within this block, :func:`list_folder` walks each folder at most once."""
    global _listings
    outer, _listings = _listings, {} if _listings is None else _listings
    try:
        yield
    finally:
        _listings = outer


def list_folder(folder: str, what: str) -> List[str]:
    """Sorted relative paths of the (non-hidden) files under ``folder``, recursively.

    Args:
        folder: the folder to walk.
        what: how messages name what the folder holds, e.g. ``'train data'``.

    Raises:
        DataIntegrityError: ``folder`` is missing or a file, a folder below it cannot be
            read, or a symlink leads back into the walk.
    """
    key = osp.abspath(folder)
    if _listings is not None and key in _listings:
        return _listings[key]
    files = _walk(folder, what)
    if _listings is not None:
        _listings[key] = files
    return files


def _walk(folder: str, what: str) -> List[str]:
    if not osp.exists(folder):
        raise DataIntegrityError(
            f'{what}: folder {folder} does not exist: check data_root and data_prefix in the config'
        )
    if not osp.isdir(folder):
        raise DataIntegrityError(
            f'{what}: {folder} is a file, not a folder: point data_root / data_prefix '
            'at the dataset folder'
        )
    found, visited, stack = [], set(), [folder]
    while stack:
        current = stack.pop()
        real = osp.realpath(current)
        if real in visited:
            raise DataIntegrityError(
                f'{what}: symlink loop at {current} (it leads back to {real}): '
                'remove the link or point it outside the dataset'
            )
        visited.add(real)
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            raise DataIntegrityError(
                f'{what}: cannot read folder {current} ({exc.strerror or exc}): '
                'fix its permissions (chmod -R a+rX) or the path in the config'
            ) from exc
        for entry in entries:
            if osp.isdir(entry.path):
                stack.append(entry.path)
            elif not entry.name.startswith('.'):
                found.append(osp.relpath(entry.path, folder))
    return sorted(found)
