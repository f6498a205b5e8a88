"""A work dir lock held by one live process; refused in one line; freed by kill -9."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from attn_unet.engine.work_dir import WorkDirLock
from attn_unet.errors import WorkDirBusyError
from tests.helpers.tools import REPO

HOLD = (
    'import sys, time\n'
    'from attn_unet.engine.work_dir import WorkDirLock\n'
    'lock = WorkDirLock(sys.argv[1])\n'
    'lock.acquire()\n'
    "print('locked', flush=True)\n"
    'time.sleep(300)\n'
)


@pytest.fixture()
def holder(tmp_path):
    process = subprocess.Popen(
        [sys.executable, '-c', HOLD, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, 'PYTHONPATH': str(REPO)},
    )
    assert process.stdout.readline().strip() == 'locked'
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def test_second_process_is_refused_naming_the_holder(holder, tmp_path):
    with pytest.raises(WorkDirBusyError) as info:
        WorkDirLock(str(tmp_path)).acquire()
    message = str(info.value)
    assert '\n' not in message
    for word in (str(tmp_path), f'pid {holder.pid}', os.uname().nodename, ' since ', '-c'):
        assert word in message, message


def test_killed_holder_frees_the_lock(holder, tmp_path):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    lock = WorkDirLock(str(tmp_path))
    lock.acquire()
    assert lock.held and f'pid {os.getpid()}' in Path(lock.path).read_text()
    lock.release()
    assert not lock.held


def test_lock_is_reentrant_after_release(tmp_path):
    first = WorkDirLock(str(tmp_path))
    first.acquire()
    first.release()
    second = WorkDirLock(str(tmp_path))
    second.acquire()
    second.release()


def test_refuse_if_held_names_the_holder_and_creates_nothing(holder, tmp_path):
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(WorkDirBusyError, match=f'pid {holder.pid}'):
        WorkDirLock(str(tmp_path)).refuse_if_held()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_refuse_if_held_passes_a_free_or_new_work_dir(tmp_path):
    WorkDirLock(str(tmp_path / 'new')).refuse_if_held()
    assert not (tmp_path / 'new').exists()
    lock = WorkDirLock(str(tmp_path))
    lock.acquire()
    lock.release()
    WorkDirLock(str(tmp_path)).refuse_if_held()
