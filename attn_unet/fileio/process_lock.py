"""One process at a time in a folder: an fcntl lock held for the life of the process.

The kernel drops the lock when the holder exits, ``kill -9`` included, so a dead process
never blocks the next one. The lock file records who holds it (pid, host, start, command),
for the one-line refusal a second process gets; what that line says is the caller's
(:meth:`ProcessLock.busy_error`: a training run's work dir says ``--work-dir``).
"""

import datetime
import fcntl
import os
import os.path as osp
import shlex
import socket
import sys

from attn_unet.errors import ToolError

__all__ = ['LOCK_FILENAME', 'ProcessLock']

LOCK_FILENAME = '.attn_unet.lock'
MAX_COMMAND_CHARS = 160


class ProcessLock:
    """Exclusive lock on ``folder`` for one process.

    Args:
        folder: the folder the process writes into (created when the lock is taken).
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.path = osp.join(folder, LOCK_FILENAME)
        self._file = None

    def acquire(self) -> None:
        """Take the lock or refuse, naming the holder.

        Raises:
            ToolError: another process holds it (:meth:`busy_error`).
        """
        os.makedirs(self.folder, exist_ok=True)
        lock_file = open(self.path, 'a+')
        try:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.seek(0)
            holder = lock_file.read().strip()
            lock_file.close()
            raise self.busy_error(holder) from None
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
            ToolError: another process holds it (:meth:`busy_error`).
        """
        if self._file is not None or not osp.isfile(self.path):
            return
        with open(self.path) as probe:
            try:
                fcntl.flock(probe.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise self.busy_error(probe.read().strip()) from None
            fcntl.flock(probe.fileno(), fcntl.LOCK_UN)

    def busy_error(self, holder: str) -> ToolError:
        """The one-line refusal of a second process, ``holder`` the lock file's record."""
        return ToolError(f'{self.folder} is in use by {holder or "another process"}: wait for it')

    def release(self) -> None:
        """Drop the lock (the process exiting does the same)."""
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None
