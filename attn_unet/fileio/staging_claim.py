"""Which hidden staging belongs to a live run: an ``flock`` its writer holds while it writes.

A tool that writes a partial file (:func:`~.atomic_file.atomic_write`) or a staging
folder (:class:`~.staged_folder.StagedFolder`) holds an exclusive ``flock`` on it
from the moment it exists until it is renamed into place or removed. The kernel
drops the lock when the process ends, however it ends (``kill -9`` included), so
staging that nobody holds was left by a run that died, and staging that is held
belongs to a run still writing (:mod:`.leftovers` removes only the first kind).
An ``flock`` is tied to the open file, not to the name: a rename keeps it.
"""

import errno
import fcntl
import os

from attn_unet.errors import ToolError

__all__ = ['StagingBusyError', 'StagingClaim', 'claim_new_file', 'try_claim']


class StagingBusyError(ToolError, OSError):
    """Another live writer holds the staging a run was about to write.

    An ``OSError`` too: a caller that treats a failed write as a skipped one (a cache)
    does so here as well.
    """


class StagingClaim:
    """An exclusive ``flock`` on a file or folder, held until :meth:`release`.

    Args:
        fd: an open descriptor of the file or folder, already locked.
    """

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd

    def release(self) -> None:
        """Drop the lock (closing the descriptor); a second call does nothing."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _lock(fd: int) -> bool:
    """Take an exclusive flock on ``fd`` without waiting; False when another holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return False
        raise


def try_claim(path: str) -> StagingClaim | None:
    """Lock the file or folder ``path``; None when a live process holds it (or it is gone).

    A symlink is never followed (``O_NOFOLLOW``): it is nobody's staging.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except (FileNotFoundError, OSError):
        return None
    if _lock(fd):
        return StagingClaim(fd)
    os.close(fd)
    return None


def claim_new_file(path: str) -> StagingClaim:
    """Create (or take over, emptied) the partial file ``path`` and lock it.

    The file is opened without truncation and emptied only once the lock is held, so
    a partial file another live process is writing under the same name is never
    touched.

    Raises:
        StagingBusyError: a live process holds ``path``.
        OSError: ``path`` cannot be created.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    if not _lock(fd):
        os.close(fd)
        raise StagingBusyError(
            f'another running process is writing {path}: wait for it to finish, or write '
            'to another path'
        )
    os.ftruncate(fd, 0)
    return StagingClaim(fd)
