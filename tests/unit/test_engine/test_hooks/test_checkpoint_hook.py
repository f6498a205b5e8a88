"""SafeCheckpointHook removes old checkpoints only after the new one is written."""

import os
from collections import deque
from types import SimpleNamespace

import pytest
from mmengine.fileio import get_file_backend
from mmengine.logging import MessageHub, MMLogger

from attn_unet.engine import SafeCheckpointHook


class _Runner(SimpleNamespace):
    """The parts of a runner the hook touches; records what existed at each save."""

    def save_checkpoint(self, out_dir, filename, *args, **kwargs):
        self.seen_at_save.append(sorted(os.listdir(out_dir)))
        with open(os.path.join(out_dir, filename), 'wb') as f:
            f.write(b'checkpoint')


def _hook_and_runner(tmp_path, **hook_args):
    hook = SafeCheckpointHook(interval=1, by_epoch=False, out_dir=str(tmp_path), **hook_args)
    hook.file_backend = get_file_backend(str(tmp_path))
    hook.keep_ckpt_ids = deque([], max(hook.max_keep_ckpts, 0) or None)
    runner = _Runner(
        work_dir=str(tmp_path),
        iter=3,
        epoch=0,
        seen_at_save=[],
        logger=MMLogger.get_instance('safe_checkpoint_hook_test'),
        message_hub=MessageHub.get_instance(f'safe_checkpoint_hook_test_{tmp_path.name}'),
    )
    return hook, runner


@pytest.mark.parametrize('max_keep_ckpts', [1, 2])
def test_outdated_checkpoint_outlives_the_new_save(tmp_path, max_keep_ckpts):
    hook, runner = _hook_and_runner(tmp_path, max_keep_ckpts=max_keep_ckpts)
    for step in (1, 2, 3):
        hook._save_checkpoint_with_step(runner, step, dict(iter=step))
    # Each save saw every checkpoint kept so far: nothing was removed before it.
    assert (
        runner.seen_at_save[2]
        == ['iter_1.pth', 'iter_2.pth', 'last_checkpoint'][2 - max_keep_ckpts :]
    )
    kept = [f'iter_{s}.pth' for s in (1, 2, 3)][-max_keep_ckpts:]
    assert sorted(os.listdir(tmp_path)) == kept + ['last_checkpoint']
    assert (tmp_path / 'last_checkpoint').read_text() == str(tmp_path / 'iter_3.pth')


def test_previous_best_outlives_the_new_best(tmp_path):
    hook, runner = _hook_and_runner(tmp_path, save_best='mIoU', rule='greater')
    old_best = tmp_path / 'best_mIoU_iter_2.pth'
    old_best.write_bytes(b'old best')
    hook.best_ckpt_path = str(old_best)
    runner.message_hub.update_info('best_score', 10.0)
    runner.iter = 4
    hook._save_best_checkpoint(runner, {'mIoU': 20.0})
    assert runner.seen_at_save == [['best_mIoU_iter_2.pth']]
    assert sorted(os.listdir(tmp_path)) == ['best_mIoU_iter_4.pth']
