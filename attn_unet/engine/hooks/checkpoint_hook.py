"""mmengine's CheckpointHook, with old checkpoints removed only once the new one is written.

mmengine 0.10.7 removes the oldest kept checkpoint (``max_keep_ckpts``) and the previous
best one (``save_best``) before it writes the new one: a kill or a full disk in between
leaves no good checkpoint. :class:`SafeCheckpointHook` changes nothing of mmengine's logic
but the moment of removal. From ``before_train`` on, its file backend is a
:class:`RemovalsAfterSave` that queues every ``remove`` / ``rmtree``; the queue is carried
out at the end of each public hook method that may save, once the new checkpoint is
complete (``AttnUNetRunner.save_checkpoint`` writes it under a hidden name and renames it)
and ``last_checkpoint`` names it. A save that fails leaves the queue undone: every older
checkpoint stays.

The configs name it (``default_hooks.checkpoint`` in ``configs/_base_/schedules``);
:class:`~attn_unet.engine.AttnUNetRunner` refuses mmengine's plain ``CheckpointHook``.
"""

from typing import List, Set, Tuple

from mmengine.hooks import CheckpointHook

from attn_unet.registry import HOOKS

__all__ = ['RemovalsAfterSave', 'SafeCheckpointHook']


class RemovalsAfterSave:
    """A file backend whose ``remove`` and ``rmtree`` wait for :meth:`carry_out`.

    Every other attribute is the wrapped backend's.

    Args:
        backend: an mmengine file backend (``LocalBackend``, ``PetrelBackend``, ...).
    """

    def __init__(self, backend) -> None:
        self.backend = backend
        self.pending: List[Tuple[str, str]] = []

    def remove(self, path: str) -> None:
        self.pending.append(('remove', path))

    def rmtree(self, path: str) -> None:
        self.pending.append(('rmtree', path))

    def carry_out(self, keep: Set[str]) -> None:
        """Remove what was queued, except the paths in ``keep`` (saved again since)."""
        pending, self.pending = self.pending, []
        for method, path in pending:
            if path not in keep:
                getattr(self.backend, method)(path)

    def __getattr__(self, name: str):
        return getattr(self.backend, name)


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """CheckpointHook that removes outdated checkpoints only after the new one is complete.

    Takes exactly ``CheckpointHook``'s arguments.
    """

    def before_train(self, runner) -> None:
        super().before_train(runner)
        self.file_backend = RemovalsAfterSave(self.file_backend)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        super().after_train_iter(runner, batch_idx, data_batch, outputs)
        self._carry_out_removals()

    def after_train_epoch(self, runner) -> None:
        super().after_train_epoch(runner)
        self._carry_out_removals()

    def after_val_epoch(self, runner, metrics) -> None:
        super().after_val_epoch(runner, metrics)
        self._carry_out_removals()

    def _carry_out_removals(self) -> None:
        if isinstance(self.file_backend, RemovalsAfterSave) and self.file_backend.pending:
            current = {
                self.last_ckpt,
                getattr(self, 'best_ckpt_path', None),
                *(getattr(self, 'best_ckpt_path_dict', None) or {}).values(),
            }
            self.file_backend.carry_out({str(path) for path in current if path})
