"""A second process that is in the middle of writing: alive, or killed with ``kill -9``.

:func:`writer_process` forks this test process (no interpreter start, no imports); the
child runs ``write(ready)``, a function that enters a staging (``atomic_write``, a
``StagedFolder``, a tool's own writer) and calls ``ready()`` inside it, where the child
waits. The test then finds the staging held by a live process, or kills the child as
``kill -9`` would and finds what a killed run leaves.
"""

import os
import signal
import time
from contextlib import contextmanager
from typing import Callable, Iterator


class Writer:
    """The forked child; :meth:`kill` ends it with SIGKILL (no cleanup runs)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.alive = True

    def kill(self) -> None:
        if self.alive:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.alive = False


@contextmanager
def writer_process(write: Callable[[Callable[[], None]], None]) -> Iterator[Writer]:
    """Fork a child that runs ``write(ready)`` and waits where it calls ``ready()``.

    Yields:
        The child, once it has called ``ready()``; killed on the way out.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read_fd)

            def ready() -> None:
                os.write(write_fd, b'1')
                time.sleep(600)

            write(ready)
        finally:
            os._exit(0)
    os.close(write_fd)
    writer = Writer(pid)
    try:
        assert os.read(read_fd, 1) == b'1', 'the writer ended before it was ready'
        yield writer
    finally:
        os.close(read_fd)
        writer.kill()
