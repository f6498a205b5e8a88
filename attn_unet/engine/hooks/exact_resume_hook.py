"""A resumed run continues exactly where the run stopped: the same augmentations, the same dropout.

mmengine's ``IterBasedTrainLoop`` resumes by replaying the data loader up to the saved
iteration, which keeps the sampler's order and, with workers, the workers' generators in
step; but the process' own generators (python, numpy, torch CPU and CUDA) are left where
the fresh start and the replay put them. :class:`ExactResumeHook` uses only mmengine's
public hook events:

- ``before_save_checkpoint``: the generators' state goes into ``meta['rng_state']``
  (:mod:`attn_unet.engine.rng`);
- ``after_load_checkpoint`` and ``before_train``: on a resume, the loop's
  ``dataloader_iterator`` is wrapped so that the saved state is put back after the replay,
  right before the first new batch is drawn;
- ``before_val`` / ``after_val``: validation runs without moving the training generators
  (creating a loader iterator draws a seed from torch's generator).

The seed itself is the saved run's: ``AttnUNetRunner.from_cfg`` puts it into the config
before the runner (and the sampler) is built.
"""

from mmengine.hooks import Hook
from mmengine.runner import IterBasedTrainLoop

from attn_unet.registry import HOOKS

from ..rng import capture_rng_state, restore_rng_state

__all__ = ['ExactResumeHook', 'RestoreAfterReplay']


class RestoreAfterReplay:
    """An iterator that puts back ``state`` once ``replayed`` items have been drawn.

    Args:
        iterator: the train loop's data iterator.
        replayed: how many items the loop draws to skip what was trained already.
        state: :func:`~attn_unet.engine.rng.capture_rng_state`'s record.
    """

    def __init__(self, iterator, replayed: int, state: dict) -> None:
        self.iterator = iterator
        self.replayed = replayed
        self.state = state

    def __iter__(self) -> 'RestoreAfterReplay':
        return self

    def __next__(self):
        if self.state is not None:
            if self.replayed == 0:
                restore_rng_state(self.state)
                self.state = None
            self.replayed -= 1
        return next(self.iterator)

    def __getattr__(self, name: str):
        return getattr(self.iterator, name)


@HOOKS.register_module()
class ExactResumeHook(Hook):
    """Save the random state with each checkpoint; put it back where a resumed run continues."""

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._loaded_state = None
        self._before_val = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        # A checkpoint saved during validation (the best one) keeps the training state.
        state = self._before_val or capture_rng_state()
        checkpoint.setdefault('meta', {})['rng_state'] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._loaded_state = (checkpoint.get('meta') or {}).get('rng_state')

    def before_train(self, runner) -> None:
        loop = runner.train_loop
        state, self._loaded_state = self._loaded_state, None
        if state is not None and isinstance(loop, IterBasedTrainLoop) and loop.iter > 0:
            iterator = loop.dataloader_iterator
            loop.dataloader_iterator = RestoreAfterReplay(iterator, loop.iter, state)

    def before_val(self, runner) -> None:
        self._before_val = capture_rng_state()

    def after_val(self, runner) -> None:
        if self._before_val is not None:
            restore_rng_state(self._before_val)
            self._before_val = None
