"""A fresh run over a finished one: refused, or with --overwrite set aside; resume past the end.

The refusals run the tool in this process (they stop before any training); the kill runs
a real training process.
"""

import shutil
import signal

import pytest
import torch

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, probe_config, tiny_options
from tests.helpers.tools import (
    assert_one_line_error,
    file_hashes,
    run_tool,
    run_tool_in_process,
    tree_listing,
)


@pytest.fixture()
def tool(capsys, monkeypatch):
    def run(*args):
        return run_tool_in_process(*args, capsys=capsys, monkeypatch=monkeypatch)

    return run


@pytest.fixture()
def finished_run(trained_run, tmp_path):
    """A private copy of a finished 2-iteration run (iter_2.pth, last_checkpoint, logs)."""
    work_dir = tmp_path / 'work'
    shutil.copytree(trained_run, work_dir)
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_2.pth'))
    return work_dir


def _load(path):
    return torch.load(path, map_location='cpu', weights_only=True)


def test_fresh_run_over_a_finished_one_is_refused_and_writes_nothing(tool, finished_run, tiny_data):
    before = tree_listing(finished_run)
    run = tool('tools/train.py', MINI_ATTN_CONFIG, '--work-dir', finished_run,
               '--cfg-options', *tiny_options(tiny_data))  # fmt: skip
    assert_one_line_error(run, str(finished_run / 'iter_2.pth'), '--resume', '--overwrite')
    assert tree_listing(finished_run) == before, 'no log folder, config copy or lock file'


def test_resume_and_overwrite_together_are_refused(tool, finished_run, tiny_data):
    before = tree_listing(finished_run)
    run = tool('tools/train.py', MINI_ATTN_CONFIG, '--work-dir', finished_run, '--resume',
               '--overwrite', '--cfg-options', *tiny_options(tiny_data, iters=4))  # fmt: skip
    assert_one_line_error(run, '--resume and --overwrite')
    assert tree_listing(finished_run) == before


def test_overwrite_sets_the_earlier_run_aside_and_a_kill_mixes_nothing(finished_run, tiny_data,
                                                                       tmp_path):  # fmt: skip
    earlier = file_hashes(finished_run)
    options = [*tiny_options(tiny_data, iters=4), 'default_hooks.checkpoint.interval=1']
    killed = run_tool(
        'tools/train.py', probe_config(tmp_path, ['KillAfterIterProbeHook']),
        '--work-dir', finished_run, '--overwrite', '--cfg-options', *options,
        env={'PROBE_KILL_AFTER_ITER': '1'},
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]

    # The work dir holds the new run only: its iter_1.pth, named by last_checkpoint.
    assert sorted(p.name for p in finished_run.glob('*.pth')) == ['iter_1.pth']
    assert (finished_run / 'last_checkpoint').read_text() == str(finished_run / 'iter_1.pth')
    # The earlier run's checkpoint, pointer and logs in one replaced_<timestamp>/ folder;
    # nothing of it lost or changed (its config copy has another name and stays).
    (replaced,) = finished_run.glob('replaced_*')
    after = file_hashes(finished_run)
    for name, digest in earlier.items():
        if name not in ('last_checkpoint', '.attn_unet.lock'):
            assert after.get(f'{replaced.name}/{name}', after.get(name)) == digest, name
    assert any(name.endswith('.log') for name in after if name.startswith(replaced.name))
    assert (replaced / 'last_checkpoint').read_text() == str(replaced / 'iter_2.pth')
    assert _load(replaced / 'iter_2.pth')['meta']['iter'] == 2


@pytest.mark.parametrize('max_iters, resume', [(2, []), (1, ['iter_2.pth'])])
def test_resume_with_nothing_left_to_train_is_refused(tool, finished_run, tiny_data, max_iters,
                                                      resume):  # fmt: skip
    before = tree_listing(finished_run)
    resume = [str(finished_run / name) for name in resume]
    run = tool('tools/train.py', MINI_ATTN_CONFIG, '--work-dir', finished_run, '--resume',
               *resume, '--cfg-options', *tiny_options(tiny_data, iters=max_iters))  # fmt: skip
    assert_one_line_error(
        run, 'iter_2.pth', 'iteration 2', f'train_cfg.max_iters is {max_iters}', 'nothing'
    )
    assert tree_listing(finished_run) == before, 'refused before anything was written'
