"""Folders that refuse writes: read-only, or a disk that fills up after a few kilobytes.

As root (which writes through any permission bits) they are tmpfs mounts; a test is
skipped where root cannot mount. Without root a read-only folder is ``chmod 555``;
a full disk needs a mount, so those tests are skipped.
"""

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest


@contextmanager
def _tmpfs(folder: Path, options: str) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip('a tmpfs needs root')
    mounted = subprocess.run(['mount', '-t', 'tmpfs', '-o', options, 'tmpfs', str(folder)],
                             capture_output=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip('root without mount rights: cannot make a tmpfs')
    try:
        yield folder
    finally:
        subprocess.run(['umount', str(folder)], check=True)


@contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """``folder``, created, into which no process may write."""
    if os.geteuid() != 0:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    with _tmpfs(folder, 'ro,size=64k') as mounted:
        yield mounted


@contextmanager
def small_disk(folder: Path, kilobytes: int) -> Iterator[Path]:
    """``folder`` on a disk of ``kilobytes``: the next large write fails with ENOSPC."""
    with _tmpfs(folder, f'size={kilobytes}k') as mounted:
        yield mounted
