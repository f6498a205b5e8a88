"""Ctrl-C and SIGTERM end tools/train.py in one closing line, with what was saved intact.

Real training processes on the tiny config; a probe hook holds the run after iteration 2
(saved first) so that the signal arrives while it trains. The signal goes to the whole
process group where the run has a data loader worker, as a terminal's Ctrl-C and
``docker stop`` / SLURM do.
"""

import os
import signal

import pytest
import torch

from tests.helpers.mini_runs import probe_config, tiny_options
from tests.helpers.tools import start_tool, wait_for_file

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
CLOSING = {signal.SIGINT: 'stopped: interrupted (Ctrl-C)', signal.SIGTERM: 'stopped: terminated'}


def _start_held_run(tmp_path, data_root, hooks, num_workers):
    work_dir = tmp_path / 'work'
    options = [
        *tiny_options(data_root, iters=4),
        f'train_dataloader.num_workers={num_workers}',
        f'train_dataloader.persistent_workers={num_workers > 0}',
    ]
    process = start_tool(
        'tools/train.py', probe_config(tmp_path, hooks), '--work-dir', work_dir,
        '--cfg-options', *options,
        env={'PROBE_SLEEP_AFTER_ITER': '2'}, new_session=True,
    )  # fmt: skip
    return process, work_dir


def _finish(process):
    try:
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return stderr


def _assert_stopped_cleanly(process, stderr, signum, work_dir):
    assert process.returncode == EXIT_CODES[signum], stderr[-3000:]
    assert 'Traceback' not in stderr and 'Exception ignored' not in stderr, stderr[-3000:]
    closing = [line for line in stderr.splitlines() if line.startswith('stopped: ')]
    assert len(closing) == 1 and closing[0].startswith(CLOSING[signum]), stderr[-3000:]
    assert stderr.rstrip().endswith(closing[0]), 'the closing line is the last word'
    saved = torch.load(work_dir / 'iter_2.pth', map_location='cpu', weights_only=True)
    assert saved['meta']['iter'] == 2
    assert (work_dir / 'last_checkpoint').read_text().strip() == str(work_dir / 'iter_2.pth')
    assert not list(work_dir.glob('.*.partial*')) and not (work_dir / 'iter_4.pth').exists()


@pytest.mark.parametrize(
    'signum, to_group, num_workers',
    [
        (signal.SIGINT, True, 1),  # Ctrl-C in a terminal: the worker gets it too
        (signal.SIGTERM, True, 1),  # docker stop, SLURM: torch's worker watch raised after exit
        (signal.SIGTERM, False, 0),  # kill PID
    ],
)
def test_signal_stops_training_in_one_line(tiny_data, tmp_path, signum, to_group, num_workers):
    process, work_dir = _start_held_run(tmp_path, tiny_data, ['SleepAfterIterProbeHook'],
                                        num_workers)  # fmt: skip
    try:
        wait_for_file(work_dir / 'sleeping.marker', process)
        (os.killpg if to_group else os.kill)(process.pid, signum)
        stderr = _finish(process)
    finally:
        if process.poll() is None:
            process.kill()
    _assert_stopped_cleanly(process, stderr, signum, work_dir)


def test_second_ctrl_c_while_exiting_adds_nothing(tiny_data, tmp_path):
    hooks = ['SleepAfterIterProbeHook', 'SlowExitProbeHook']
    process, work_dir = _start_held_run(tmp_path, tiny_data, hooks, num_workers=0)
    try:
        wait_for_file(work_dir / 'sleeping.marker', process)
        os.killpg(process.pid, signal.SIGINT)
        wait_for_file(work_dir / 'exiting.marker', process)  # shutting down (slowly)
        os.killpg(process.pid, signal.SIGINT)
        stderr = _finish(process)
    finally:
        if process.poll() is None:
            process.kill()
    _assert_stopped_cleanly(process, stderr, signal.SIGINT, work_dir)


def test_sigterm_while_saving_removes_the_half_written_checkpoint(tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    options = [*tiny_options(tiny_data, iters=4), 'default_hooks.checkpoint.max_keep_ckpts=1']
    process = start_tool(
        'tools/train.py', probe_config(tmp_path, ['SlowCheckpointWriteProbeHook']),
        '--work-dir', work_dir, '--cfg-options', *options,
        env={'PROBE_SLOW_WRITE': '2'},
    )  # fmt: skip
    try:
        wait_for_file(work_dir / 'saving.marker', process)  # iter_4 is half written now
        assert list(work_dir.glob('.iter_4.pth.partial'))
        os.kill(process.pid, signal.SIGTERM)
        stderr = _finish(process)
    finally:
        if process.poll() is None:
            process.kill()
    _assert_stopped_cleanly(process, stderr, signal.SIGTERM, work_dir)
