"""A file written whole: under its hidden partial name, flushed, then renamed into place.

A reader (or a crash) sees either the old file or the complete new one, never a
truncated file under the final name; a failed write leaves no partial file.
Whether an existing file may be replaced is the caller's decision.
"""

import os
import os.path as osp
from contextlib import contextmanager
from typing import Iterator

from .partial_name import partial_name

__all__ = ['atomic_write', 'publish_file', 'write_text_atomically']


def _fsync_dir(folder: str) -> None:
    fd = os.open(folder or '.', os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_file(partial: str, path: str) -> None:
    """Flush the finished file ``partial`` to disk and rename it to ``path`` in one step."""
    with open(partial, 'rb+') as f:
        os.fsync(f.fileno())
    os.replace(partial, path)
    _fsync_dir(osp.dirname(path))


@contextmanager
def atomic_write(path: str, unique: bool = False, keep_suffix: bool = True) -> Iterator[str]:
    """Give the name to write ``path`` under; publish it when the block ends without error.

    Args:
        path: the file to write.
        unique: a partial name of this process only (see
            :func:`~.partial_name.partial_name`).
        keep_suffix: end the partial name in ``path``'s suffix, for writers that pick
            the format from the name (nibabel); False for files a ``*.pth``-style glob
            must never take for complete ones (checkpoints).

    Yields:
        The hidden partial name to write to. Whatever the block raises, the
        partial file is removed and ``path`` is left as it was.
    """
    partial = partial_name(path, keep_suffix=keep_suffix, unique=unique)
    try:
        yield partial
        publish_file(partial, path)
    except BaseException:
        if osp.lexists(partial):
            os.remove(partial)
        raise


def write_text_atomically(path: str, text: str, unique: bool = False) -> None:
    """Replace the text file ``path`` (UTF-8) so that it is never seen half written."""
    with atomic_write(path, unique=unique) as partial:
        with open(partial, 'w', encoding='utf-8') as f:
            f.write(text)
