"""One training run per work dir: an fcntl lock held for the life of the process.

The kernel drops the lock when the holder exits, ``kill -9`` included, so a
dead run never blocks the next one. The lock file records who holds it, for
the one-line refusal a second run gets.
"""

import datetime
import fcntl
import os
import os.path as osp
import shlex
import socket
import sys

from attn_unet.errors import WorkDirBusyError

__all__ = ['LOCK_FILENAME', 'WorkDirLock']

LOCK_FILENAME = '.attn_unet.lock'
MAX_COMMAND_CHARS = 160


class WorkDirLock:
    """Exclusive lock on ``work_dir`` for one process.

    Args:
        work_dir: the folder the run writes into (created if missing).
    """

    def __init__(self, work_dir: str) -> None:
        self.work_dir = work_dir
        self.path = osp.join(work_dir, LOCK_FILENAME)
        self._file = None

    def acquire(self) -> None:
        """Take the lock or refuse, naming the holder.

        Raises:
            WorkDirBusyError: another process holds it.
        """
        os.makedirs(self.work_dir, exist_ok=True)
        lock_file = open(self.path, 'a+')
        try:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.seek(0)
            holder = lock_file.read().strip()
            lock_file.close()
            raise self._busy(holder) from None
        started = datetime.datetime.now().astimezone().isoformat(timespec='seconds')
        command = shlex.join([osp.basename(sys.executable), *sys.argv])
        if len(command) > MAX_COMMAND_CHARS:
            command = command[: MAX_COMMAND_CHARS - 3] + '...'
        lock_file.seek(0)
        lock_file.truncate()
        lock_file.write(f'pid {os.getpid()} on {socket.gethostname()} since {started} ({command})')
        lock_file.flush()
        self._file = lock_file

    def refuse_if_held(self) -> None:
        """Refuse when another process holds the lock, creating nothing (no folder, no file).

        For a check before anything is written; :meth:`acquire` still decides.

        Raises:
            WorkDirBusyError: another process holds it.
        """
        if self._file is not None or not osp.isfile(self.path):
            return
        with open(self.path) as probe:
            try:
                fcntl.flock(probe.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise self._busy(probe.read().strip()) from None
            fcntl.flock(probe.fileno(), fcntl.LOCK_UN)

    def _busy(self, holder: str) -> WorkDirBusyError:
        return WorkDirBusyError(
            f'work dir {self.work_dir} is in use by {holder or "another process"}: wait for that '
            'run to end, or pass another --work-dir'
        )

    def release(self) -> None:
        """Drop the lock (the process exiting does the same)."""
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None
