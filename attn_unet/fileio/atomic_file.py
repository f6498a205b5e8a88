"""A file written whole: under its hidden partial name, flushed, then renamed into place.

A reader (or a crash) sees either the old file or the complete new one, never a
truncated file under the final name; a failed write leaves no partial file. While
it is written the partial file is held (:mod:`.staging_claim`), so the next run's
:func:`~.leftovers.remove_leftovers` tells it from one a killed run left. An error
names the path the caller gave, never the hidden partial name. Whether an existing
file may be replaced is the caller's decision.
"""

import os
import os.path as osp
from contextlib import contextmanager
from typing import Iterator

from attn_unet.errors import disk_full_reason

from .partial_name import partial_name
from .staging_claim import claim_new_file

__all__ = ['atomic_write', 'name_the_given_path', 'publish_file', 'write_text_atomically']


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
        The hidden partial name to write to (created empty and held). Whatever the
        block raises, the partial file is removed and ``path`` is left as it was; an
        ``OSError`` about the partial file is reported as one about ``path``.

    Raises:
        StagingBusyError: another live process is writing the same partial name.
    """
    partial = partial_name(path, keep_suffix=keep_suffix, unique=unique)
    claim = None
    try:
        claim = claim_new_file(partial)
        yield partial
        publish_file(partial, path)
    except BaseException as exc:
        if claim is not None and osp.lexists(partial):
            os.remove(partial)
        name_the_given_path(exc, partial, path)
        raise
    finally:
        if claim is not None:
            claim.release()


def name_the_given_path(exc: BaseException, hidden: str, path: str) -> None:
    """Make an ``OSError`` about the hidden staging name ``hidden`` name ``path`` instead.

    A user who passed ``ro/metrics.json`` is told about that path, not about
    ``ro/.metrics.partial.json``, a name they never gave. A full disk that a writer
    reports without a file name (gzip, zlib) is named ``path`` too.
    """
    if isinstance(exc, OSError):
        if exc.filename is None and disk_full_reason(exc):
            exc.filename = path
        if exc.filename == hidden:
            exc.filename = path
        if exc.filename2 == hidden:
            exc.filename2 = path


def write_text_atomically(path: str, text: str, unique: bool = False) -> None:
    """Replace the text file ``path`` (UTF-8) so that it is never seen half written."""
    with atomic_write(path, unique=unique) as partial:
        with open(partial, 'w', encoding='utf-8') as f:
            f.write(text)
