"""mmengine's CheckpointHook, reordered so that a crash never loses the last good checkpoint.

mmengine 0.10.7 removes the oldest kept checkpoint before it writes the new
one (the previous best one too, with ``save_best``) and rewrites
``last_checkpoint`` in place; a kill or a full disk in between leaves no
good checkpoint. Here the new checkpoint is written first (complete, see
``AttnUNetRunner.save_checkpoint``), then ``last_checkpoint`` is replaced
atomically, and only then are old checkpoints removed.
:class:`AttnUNetRunner` puts this hook where a config names ``CheckpointHook``.
"""

import os.path as osp
from collections import deque

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook

from attn_unet.fileio import write_text_atomically
from attn_unet.registry import HOOKS

__all__ = ['SafeCheckpointHook']


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """CheckpointHook that removes outdated checkpoints only after the new one is complete."""

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        outdated = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            kept = deque(self.keep_ckpt_ids)
            while len(kept) >= self.max_keep_ckpts:
                outdated.append(kept.popleft())
            kept.append(step)
            self.keep_ckpt_ids = deque(kept, self.max_keep_ckpts)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))

        filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir,
            filename,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args,
        )
        if not is_main_process():
            return
        write_text_atomically(osp.join(runner.work_dir, 'last_checkpoint'), self.last_ckpt)
        for old_step in outdated:
            path = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(old_step))
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):
                self.file_backend.rmtree(path)

    def _save_best_checkpoint(self, runner, metrics) -> None:
        """mmengine's best-checkpoint logic, removing the previous best only after the new one."""
        backend = self.file_backend
        deferred = []
        backend.remove = lambda path: deferred.append((type(backend).remove, path))
        backend.rmtree = lambda path: deferred.append((type(backend).rmtree, path))
        try:
            super()._save_best_checkpoint(runner, metrics)
        finally:
            del backend.remove, backend.rmtree
        current = {
            getattr(self, 'best_ckpt_path', None),
            *getattr(self, 'best_ckpt_path_dict', {}).values(),
        }
        for remove, path in deferred:
            if path not in current:
                remove(backend, path)
