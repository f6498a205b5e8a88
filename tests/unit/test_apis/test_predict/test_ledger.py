"""A run's account: the summary, the exit code, skipped.csv, the run files it may replace."""

import csv

import pytest

from attn_unet.apis.predict.ledger import Ledger, Outcome, skipped_file
from attn_unet.errors import ToolError


def _ledger(folder, report=False, resume=False, overwrite=False):
    return Ledger(str(folder), report, resume, overwrite)


def test_skipped_and_failed_cases_are_listed_and_give_exit_code_1(tmp_path, capsys):
    ledger = _ledger(tmp_path)
    ledger.add(Outcome('a', '/in/a.nii.gz', 'done', statistics={'classes': {}}))
    ledger.add(Outcome('b', '/in/b.nii.gz', 'skipped', 'b.nii.gz is truncated: fix it'))
    ledger.add(Outcome('c', '/in/c.nii.gz', 'failed', 'MemoryError during prediction: 2 GiB'))
    ledger.add(Outcome('d', '/in/d.nii.gz', 'complete', statistics={'classes': {}}))
    run = ledger.finish(['x'])
    assert run.exit_code == 1 and run.written == ['x']
    assert run.summary == (
        f'1 done, 1 complete before, 1 skipped, 1 failed (each with its reason in '
        f'{tmp_path}/skipped.csv)'
    )
    with open(tmp_path / 'skipped.csv', newline='') as f:
        rows = list(csv.DictReader(f))
    assert [(r['case'], r['scan'], r['status']) for r in rows] == [
        ('b', '/in/b.nii.gz', 'skipped'), ('c', '/in/c.nii.gz', 'failed'),
    ]  # fmt: skip
    assert rows[1]['reason'] == 'MemoryError during prediction: 2 GiB'
    err = capsys.readouterr().err.splitlines()
    assert err == ['skipped: b: b.nii.gz is truncated: fix it',
                   'failed: c: MemoryError during prediction: 2 GiB']  # fmt: skip


def test_a_run_with_nothing_missed_exits_0_and_writes_no_list(tmp_path):
    ledger = _ledger(tmp_path)
    ledger.add(Outcome('a', '/in/a.nii.gz', 'done', statistics={'classes': {}}))
    run = ledger.finish([])
    assert run.exit_code == 0 and run.summary == '1 done, 0 complete before, 0 skipped, 0 failed'
    assert not (tmp_path / 'skipped.csv').exists()


def test_continue_removes_an_earlier_list_of_cases_now_done(tmp_path):
    (tmp_path / 'skipped.csv').write_text('case,scan,status,reason\nb,/in/b,skipped,cut\n')
    _ledger(tmp_path, resume=True).finish([])
    assert not (tmp_path / 'skipped.csv').exists()


@pytest.mark.parametrize('name, report, keep_going', [('report.html', True, False),
                                                      ('skipped.csv', False, True)])  # fmt: skip
def test_an_earlier_run_file_is_kept_unless_continue_or_overwrite(
    tmp_path, name, report, keep_going
):
    (tmp_path / name).write_text('earlier')
    with pytest.raises(ToolError, match=f'{name} exists .* --continue .* --overwrite'):
        _ledger(tmp_path, report=report).check(keep_going)
    _ledger(tmp_path, report=report, resume=True).check(keep_going)
    _ledger(tmp_path, report=report, overwrite=True).check(keep_going)


def test_each_rank_lists_its_own_skipped_cases(tmp_path, monkeypatch):
    assert skipped_file(str(tmp_path)).endswith('/skipped.csv')
    monkeypatch.setenv('WORLD_SIZE', '2')
    monkeypatch.setenv('RANK', '1')
    assert skipped_file(str(tmp_path)).endswith('/skipped-rank1.csv')
