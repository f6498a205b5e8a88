"""The folds' runs: what state a fold's work dir is in, and folds trained one per card."""

import json
import sys

import pytest
import torch

from attn_unet.apis.cross_validation import FoldJob, card_slots, fold_status, run_fold_jobs
from attn_unet.errors import ToolError

TRAIN_CFG = dict(type='IterBasedTrainLoop', max_iters=6, val_interval=6)


def _checkpoint(folder, step):
    """A checkpoint as a training run writes it (the state a resume needs)."""
    path = folder / f'iter_{step}.pth'
    torch.save(dict(state_dict={}, optimizer={}, param_schedulers=[], message_hub={},
                    meta=dict(iter=step)), path)  # fmt: skip
    (folder / 'last_checkpoint').write_text(str(path))
    return str(path)


def test_a_fold_is_fresh_stopped_or_finished(tmp_path):
    assert fold_status(str(tmp_path / 'none'), TRAIN_CFG).state == 'fresh'
    assert fold_status(str(tmp_path), TRAIN_CFG).state == 'fresh'
    three = _checkpoint(tmp_path, 3)
    status = fold_status(str(tmp_path), TRAIN_CFG)
    assert (status.state, status.checkpoint, status.step, status.limit) == ('resume', three, 3, 6)
    assert 'resumes from' in status.describe() and 'iteration 3 of 6' in status.describe()
    six = _checkpoint(tmp_path, 6)
    status = fold_status(str(tmp_path), TRAIN_CFG)
    assert (status.state, status.checkpoint) == ('finished', six)
    assert status.describe().endswith('not trained again')
    assert fold_status(str(tmp_path), dict(TRAIN_CFG, max_iters=12)).state == 'resume'


def _job(fold, tmp_path, code=0, seconds=0.0):
    """A stand-in for a fold's training: records the card it saw and when it ran, exits
    ``code``."""
    record = str(tmp_path / f'fold{fold}.json')
    script = (
        'import json, os, sys, time; start = time.time(); '
        f'time.sleep({seconds}); '
        f'open({record!r}, "w").write(json.dumps([os.environ.get("CUDA_VISIBLE_DEVICES"), '
        'start, time.time()])); '
        f'sys.exit({code})'
    )
    return FoldJob(fold, [sys.executable, '-c', script], str(tmp_path / f'fold_{fold}'))


def _seen(tmp_path, fold):
    path = tmp_path / f'fold{fold}.json'
    return json.loads(path.read_text())[0] if path.exists() else 'not started'


def _span(tmp_path, fold):
    return json.loads((tmp_path / f'fold{fold}.json').read_text())[1:]


def test_folds_run_one_per_card_and_each_sees_only_its_card(tmp_path, monkeypatch):
    monkeypatch.delenv('CUDA_VISIBLE_DEVICES', raising=False)
    jobs = [_job(k, tmp_path, seconds=s) for k, s in enumerate((1.0, 0.2, 0.0))]
    codes = run_fold_jobs(jobs, ['0', '1'], say=lambda line: None, poll_seconds=0.05)
    assert codes == {0: 0, 1: 0, 2: 0}
    assert [_seen(tmp_path, k) for k in range(2)] == ['0', '1']
    # fold 2 waits for a card: it starts on the one freed first, after its fold ended
    freed_first = min((0, 1), key=lambda k: _span(tmp_path, k)[1])
    assert _seen(tmp_path, 2) == str(freed_first)
    assert _span(tmp_path, 2)[0] >= _span(tmp_path, freed_first)[1]
    assert (tmp_path / 'fold_0' / 'train.log').exists()  # side by side: output into a file


def test_one_after_another_on_the_default_device(tmp_path, monkeypatch):
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '3')
    codes = run_fold_jobs([_job(k, tmp_path) for k in range(2)], [None], poll_seconds=0.05)
    assert codes == {0: 0, 1: 0} and [_seen(tmp_path, k) for k in range(2)] == ['3', '3']


def test_a_failed_fold_stops_the_folds_not_yet_started(tmp_path):
    jobs = [_job(0, tmp_path, code=2), _job(1, tmp_path), _job(2, tmp_path)]
    assert run_fold_jobs(jobs, [None], poll_seconds=0.05) == {0: 2}
    assert _seen(tmp_path, 1) == 'not started'


def test_more_cards_than_the_machine_has_are_refused():
    assert card_slots(1) == [None]
    if not torch.cuda.is_available():
        with pytest.raises(ToolError, match=r'--gpus 2 trains 2 folds at once.*0 CUDA card'):
            card_slots(2)
    with pytest.raises(ToolError, match='--gpus 0: pass 1'):
        card_slots(0)
