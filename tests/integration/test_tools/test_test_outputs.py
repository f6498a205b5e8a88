"""``tools/test.py --out DIR`` never leaves a partial set of predictions that looks complete.

The PNGs are written under a hidden ``.DIR.partial`` and renamed to DIR when the test has
finished; a kill leaves no DIR, and the next run starts the hidden folder afresh. A DIR
that holds files is never written into.
"""

import signal

import pytest

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, probe_config, tiny_options
from tests.helpers.tools import (
    assert_one_line_error,
    run_tool_in_process,
    start_tool,
    tree_listing,
    wait_for_file,
)


def _test(config, checkpoint, work_dir, out_dir, data_root):
    return ['tools/test.py', config, checkpoint, '--work-dir', work_dir, '--out', out_dir,
            '--cfg-options', *tiny_options(data_root)]  # fmt: skip


def test_kill_during_test_leaves_no_partial_out_folder(trained_run, tiny_data, tmp_path, capsys,
                                                       monkeypatch):  # fmt: skip
    out_dir, work_dir = tmp_path / 'preds', tmp_path / 'work'
    config = probe_config(tmp_path, ['SleepAfterTestIterProbeHook'])
    process = start_tool(*_test(config, trained_run / 'iter_2.pth', work_dir, out_dir, tiny_data))
    try:
        wait_for_file(work_dir / 'testing.marker', process)  # one of two images written
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    assert not out_dir.exists(), 'a killed test leaves no --out folder'
    assert len(list((tmp_path / '.preds.partial').glob('*.png'))) == 1  # the hidden, partial one

    run = run_tool_in_process(
        *_test(MINI_ATTN_CONFIG, trained_run / 'iter_2.pth', work_dir, out_dir, tiny_data),
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(list(out_dir.glob('*.png'))) == 2
    assert not (tmp_path / '.preds.partial').exists()


@pytest.mark.parametrize('held', [True, False])
def test_out_folder_that_holds_files_is_refused(trained_run, tiny_data, tmp_path, capsys,
                                                monkeypatch, held):  # fmt: skip
    out_dir, work_dir = tmp_path / 'preds', tmp_path / 'work'
    out_dir.mkdir()
    if held:
        (out_dir / 'mine.png').write_bytes(b'a user file')
    before = tree_listing(out_dir)
    run = run_tool_in_process(
        *_test(MINI_ATTN_CONFIG, trained_run / 'iter_2.pth', work_dir, out_dir, tiny_data),
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    if held:
        assert_one_line_error(run, str(out_dir), 'already holds 1 entry', 'new folder')
        assert tree_listing(out_dir) == before
        assert not work_dir.exists()
    else:  # an empty folder is taken
        assert run.returncode == 0, run.stderr[-3000:]
        assert len(list(out_dir.glob('*.png'))) == 2
