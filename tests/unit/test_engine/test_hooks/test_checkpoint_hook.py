"""SafeCheckpointHook removes old checkpoints only after the new one is written.

Driven through its public hook methods, as the runner calls them; mmengine's own logic
decides what to save and what to remove.
"""

import os
from types import SimpleNamespace

import pytest
from mmengine.fileio import get_file_backend
from mmengine.logging import MessageHub, MMLogger

from attn_unet.engine import SafeCheckpointHook
from attn_unet.engine.hooks.checkpoint_hook import RemovalsAfterSave


class _Runner(SimpleNamespace):
    """The parts of a runner the hook touches; records what existed at each save."""

    def save_checkpoint(self, out_dir, filename, *args, **kwargs):
        self.seen_at_save.append(sorted(os.listdir(out_dir)))
        if self.fail_at_save:
            raise OSError(28, 'No space left on device')
        with open(os.path.join(out_dir, filename), 'wb') as f:
            f.write(b'checkpoint')


def _hook_and_runner(tmp_path, **hook_args):
    hook = SafeCheckpointHook(interval=1, by_epoch=False, **hook_args)
    runner = _Runner(
        work_dir=str(tmp_path),
        iter=0,
        epoch=0,
        max_iters=100,
        seen_at_save=[],
        fail_at_save=False,
        logger=MMLogger.get_instance('safe_checkpoint_hook_test'),
        message_hub=MessageHub.get_instance(f'safe_checkpoint_hook_test_{tmp_path.name}'),
    )
    hook.before_train(runner)
    return hook, runner


def _train_iter(hook, runner, step):
    runner.iter = step - 1  # the loop counts the iteration after the hooks
    hook.after_train_iter(runner, step - 1)


@pytest.mark.parametrize('max_keep_ckpts', [1, 2])
def test_outdated_checkpoint_outlives_the_new_save(tmp_path, max_keep_ckpts):
    hook, runner = _hook_and_runner(tmp_path, max_keep_ckpts=max_keep_ckpts)
    assert isinstance(hook.file_backend, RemovalsAfterSave)
    for step in (1, 2, 3):
        _train_iter(hook, runner, step)
    # Each save saw every checkpoint kept so far: nothing was removed before it.
    assert (
        runner.seen_at_save[2]
        == ['iter_1.pth', 'iter_2.pth', 'last_checkpoint'][2 - max_keep_ckpts :]
    )
    kept = [f'iter_{s}.pth' for s in (1, 2, 3)][-max_keep_ckpts:]
    assert sorted(os.listdir(tmp_path)) == kept + ['last_checkpoint']
    assert (tmp_path / 'last_checkpoint').read_text() == str(tmp_path / 'iter_3.pth')


def test_a_failed_save_removes_nothing(tmp_path):
    hook, runner = _hook_and_runner(tmp_path, max_keep_ckpts=1)
    _train_iter(hook, runner, 1)
    runner.fail_at_save = True
    with pytest.raises(OSError):
        _train_iter(hook, runner, 2)
    assert sorted(os.listdir(tmp_path)) == ['iter_1.pth', 'last_checkpoint']
    runner.fail_at_save = False
    _train_iter(hook, runner, 3)  # the next good save leaves max_keep_ckpts=1 of them
    assert sorted(os.listdir(tmp_path)) == ['iter_3.pth', 'last_checkpoint']


def test_previous_best_outlives_the_new_best(tmp_path):
    hook, runner = _hook_and_runner(tmp_path, save_best='mIoU', rule='greater')
    old_best = tmp_path / 'best_mIoU_iter_2.pth'
    old_best.write_bytes(b'old best')
    hook.best_ckpt_path = str(old_best)
    runner.message_hub.update_info('best_score', 10.0)
    runner.iter = 4
    hook.after_val_epoch(runner, {'mIoU': 20.0})
    assert runner.seen_at_save == [['best_mIoU_iter_2.pth']]
    assert sorted(os.listdir(tmp_path)) == ['best_mIoU_iter_4.pth']


def test_removals_wait_and_spare_what_was_saved_again(tmp_path):
    for name in ('a', 'b'):
        (tmp_path / name).write_text(name)
    backend = RemovalsAfterSave(get_file_backend(str(tmp_path)))
    backend.remove(str(tmp_path / 'a'))
    backend.remove(str(tmp_path / 'b'))
    assert backend.isfile(str(tmp_path / 'a')), 'queued, not removed'
    backend.carry_out(keep={str(tmp_path / 'b')})
    assert sorted(os.listdir(tmp_path)) == ['b']
