"""An iteration-based training loop whose resume continues exactly where the run stopped.

mmengine's ``IterBasedTrainLoop`` resumes by replaying the data loader up to
the saved iteration (this keeps the sampler's order and, with workers, the
workers' generators in step) but it leaves the process' generators where the
replay and the fresh start put them. This loop puts them back to the state the
checkpoint recorded (see :mod:`attn_unet.engine.rng`) before the first new
batch, and runs validation without moving them, so that a run killed at any
saved iteration and resumed draws the same augmentations and dropout masks.
"""

import logging

from mmengine.logging import print_log
from mmengine.runner import IterBasedTrainLoop

from attn_unet.registry import LOOPS

from .rng import preserved_rng_state, restore_rng_state

__all__ = ['ResumableIterBasedTrainLoop']


@LOOPS.register_module()
class ResumableIterBasedTrainLoop(IterBasedTrainLoop):
    """IterBasedTrainLoop that restores the saved random state on resume.

    ``resume_rng_state`` (set by the runner from the checkpoint's
    ``meta['rng_state']``) is applied after the data loader replay.
    """

    resume_rng_state: dict | None = None

    def run(self):
        """Launch training (mmengine's loop, plus the random-state restore)."""
        self.runner.call_hook('before_train')
        self.runner.call_hook('before_train_epoch')
        if self._iter > 0:
            print_log(
                f'Advance dataloader {self._iter} steps to skip data that has already been trained',
                logger='current',
                level=logging.INFO,
            )
            for _ in range(self._iter):
                next(self.dataloader_iterator)
            if self.resume_rng_state is not None:
                restore_rng_state(self.resume_rng_state)
                self.resume_rng_state = None
        while self._iter < self._max_iters and not self.stop_training:
            self.runner.model.train()
            data_batch = next(self.dataloader_iterator)
            self.run_iter(data_batch)
            self._decide_current_val_interval()
            if (
                self.runner.val_loop is not None
                and self._iter >= self.val_begin
                and (self._iter % self.val_interval == 0 or self._iter == self._max_iters)
            ):
                with preserved_rng_state():
                    self.runner.val_loop.run()
        self.runner.call_hook('after_train_epoch')
        self.runner.call_hook('after_train')
        return self.runner.model
