"""tools/train.py loses nothing: kill -9 while saving, a full disk, a second run, a resume.

Every test starts real training processes on the tiny config; faults are
injected by the probe hooks (tests/helpers/probe_hooks.py).
"""

import json
import os
import signal
import subprocess
import sys

import pytest
import torch

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, probe_config, tiny_options
from tests.helpers.tools import REPO, run_tool, tree_listing, wait_for_file


def _load(path):
    return torch.load(path, map_location='cpu', weights_only=True)


def _keep_one(data_root, iters=4, interval=2):
    options = tiny_options(data_root, iters=iters)
    return [
        *options,
        f'default_hooks.checkpoint.interval={interval}',
        'default_hooks.checkpoint.max_keep_ckpts=1',
    ]


def _start(config, work_dir, options, env):
    return subprocess.Popen(
        [sys.executable, 'tools/train.py', str(config), '--work-dir', str(work_dir)]
        + ['--cfg-options', *map(str, options)],
        cwd=REPO,
        env={**os.environ, 'PYTHONPATH': str(REPO), 'OMP_NUM_THREADS': '1', **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _assert_one_line_error(result, *words):
    assert result.returncode == 2, result.stderr[-3000:]
    assert 'Traceback' not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith('error: ')]
    assert len(errors) == 1, result.stderr[-3000:]
    for word in words:
        assert word in errors[0], errors[0]


def _assert_only_good_checkpoint(work_dir, step):
    """``iter_{step}.pth`` is complete and named by last_checkpoint; nothing half written."""
    assert _load(work_dir / f'iter_{step}.pth')['meta']['iter'] == step
    assert (work_dir / 'last_checkpoint').read_text().strip() == str(work_dir / f'iter_{step}.pth')
    for path in work_dir.glob('*.pth'):
        _load(path)  # every .pth in place loads


def test_kill_during_checkpoint_save_keeps_the_last_good_one(tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    config = probe_config(tmp_path, ['SlowCheckpointWriteProbeHook'])
    process = _start(config, work_dir, _keep_one(tiny_data), {'PROBE_SLOW_WRITE': '2'})
    try:
        wait_for_file(work_dir / 'saving.marker', process)  # iter_4 is half written now
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not (work_dir / 'iter_4.pth').exists()
    _assert_only_good_checkpoint(work_dir, 2)

    result = run_tool(
        'tools/train.py', MINI_ATTN_CONFIG, '--work-dir', work_dir, '--resume',
        '--cfg-options', *_keep_one(tiny_data),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    _assert_only_good_checkpoint(work_dir, 4)
    assert not (work_dir / 'iter_2.pth').exists(), 'max_keep_ckpts=1 removes the older one'
    assert not list(work_dir.glob('.*.partial*'))


def test_full_disk_during_save_leaves_no_truncated_checkpoint(tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    result = run_tool(
        'tools/train.py', probe_config(tmp_path, ['DiskFullProbeHook']), '--work-dir', work_dir,
        '--cfg-options', *_keep_one(tiny_data),
        env={'PROBE_DISK_FULL_WRITE': '2'},
    )  # fmt: skip
    _assert_one_line_error(result, 'disk full', 'iter_4.pth', '--resume')
    assert not (work_dir / 'iter_4.pth').exists()
    assert not list(work_dir.glob('.*.partial*'))
    _assert_only_good_checkpoint(work_dir, 2)


def test_full_disk_under_the_log_file_stops_the_run_in_one_line(tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    result = run_tool(
        'tools/train.py', probe_config(tmp_path, ['LogDiskFullProbeHook']), '--work-dir', work_dir,
        '--cfg-options', *_keep_one(tiny_data),
        env={'PROBE_LOG_DISK_FULL_ITER': '3'},
    )  # fmt: skip
    _assert_one_line_error(result, 'disk full', '.log', '--resume')
    assert '--- Logging error ---' not in result.stderr
    # stopped at iteration 3: the checkpoint of iteration 2 stays, nothing later was written
    _assert_only_good_checkpoint(work_dir, 2)
    assert not (work_dir / 'iter_4.pth').exists()


def test_second_run_into_a_busy_work_dir_is_refused(tiny_data, tmp_path):
    work_dir = tmp_path / 'work'
    config = probe_config(tmp_path, ['SlowCheckpointWriteProbeHook'])
    options = tiny_options(tiny_data)
    first = _start(config, work_dir, options, {'PROBE_SLOW_WRITE': '1'})
    try:
        wait_for_file(work_dir / 'saving.marker', first)
        before = tree_listing(work_dir)  # the holder is stalled: nothing changes
        second = run_tool('tools/train.py', MINI_ATTN_CONFIG, '--work-dir', work_dir,
                          '--cfg-options', *options)  # fmt: skip
        _assert_one_line_error(second, str(work_dir), f'pid {first.pid}', 'tools/train.py')
        after = tree_listing(work_dir)
        assert after == before, 'the refused run writes nothing: no log folder, no config'
    finally:
        first.kill()
        first.wait()
    # The killed holder frees the lock: the next run trains.
    third = run_tool('tools/train.py', MINI_ATTN_CONFIG, '--work-dir', work_dir,
                     '--cfg-options', *options)  # fmt: skip
    assert third.returncode == 0, third.stderr[-3000:]


def _losses(work_dir):
    lines = (work_dir / 'losses.jsonl').read_text().splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize('num_workers, kill_after', [(0, 2), (1, 3)])
def test_resume_after_kill_repeats_the_uninterrupted_losses(
    tiny_data, tmp_path, num_workers, kill_after
):
    config = probe_config(tmp_path, ['LossRecordProbeHook', 'KillAfterIterProbeHook'])
    options = [
        *tiny_options(tiny_data, iters=4),
        'randomness.seed=0',
        'default_hooks.checkpoint.interval=1',
        'train_cfg.val_interval=2',  # validation between saves must not move the generators
        f'train_dataloader.num_workers={num_workers}',
    ]
    straight = run_tool('tools/train.py', config, '--work-dir', tmp_path / 'straight',
                        '--cfg-options', *options)  # fmt: skip
    assert straight.returncode == 0, straight.stderr[-3000:]

    work_dir = tmp_path / 'killed'
    killed = run_tool('tools/train.py', config, '--work-dir', work_dir, '--cfg-options', *options,
                      env={'PROBE_KILL_AFTER_ITER': str(kill_after)})  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert len(_losses(work_dir)) == kill_after
    resumed = run_tool('tools/train.py', config, '--work-dir', work_dir, '--resume',
                       '--cfg-options', *options)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-3000:]

    expected = _losses(tmp_path / 'straight')
    assert [r['iter'] for r in expected] == [1, 2, 3, 4]
    # The decode head's dropout and the random crops/flips/colour jitter all draw here:
    # equal to the last bit only if every generator and the data position were restored.
    assert _losses(work_dir) == expected
