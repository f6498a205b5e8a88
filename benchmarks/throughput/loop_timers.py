"""Per-iteration host times inside the real training loop, by hook and by stage.

The loop is mmengine's ``IterBasedTrainLoop``; each of its iterations is ``next()`` on the
data iterator (the hand-over of a batch from the workers), then ``run_iter``: the hooks'
``before_train_iter``, ``model.train_step``, the hooks' ``after_train_iter``; then the loop's
own bookkeeping (``model.train()``, the validation check; the previous batch is freed). Every hook
method, the step and ``next()`` are wrapped with a timer; on CUDA the step ends with a
device sync, so the step's time is the device's and every other figure is host time the
device waits through (mmengine's ``RuntimeInfoHook`` syncs at that point anyway, to log
the loss).
"""

import time
from collections import defaultdict

from mmengine.hooks import Hook

from .environment import sync

__all__ = ['LoopTimers']

EVENTS = ('before_train_iter', 'after_train_iter')


class LoopTimers(Hook):
    """A hook that times the others, the step and the loader hand-over, iteration by iteration.

    Args:
        device: ``'cpu'`` or ``'cuda'``; the step is synchronised on CUDA.
        warmup: iterations left out of :meth:`summary` (cuDNN autotuning, worker start).
    """

    priority = 'LOWEST'

    def __init__(self, device: str, warmup: int) -> None:
        self.device = device
        self.warmup = warmup
        self.times = defaultdict(list)  # what -> seconds, one entry per iteration
        self._iteration_starts = []

    def install(self, runner) -> None:
        """Wrap every registered hook's train-iteration events; call before ``train()``."""
        for hook in runner.hooks:
            if hook is self:
                continue
            for event in EVENTS:
                name = f'{type(hook).__name__}.{event}'
                setattr(hook, event, self._timed(name, getattr(hook, event)))
        runner.register_hook(self)

    def before_train(self, runner) -> None:
        loop = runner.train_loop
        model = runner.model
        model.train_step = self._timed('train_step', model.train_step, synchronise=True)
        loop.run_iter = self._timed('run_iter', loop.run_iter)
        loop.dataloader_iterator = _TimedIterator(loop.dataloader_iterator, self)

    def _timed(self, name: str, method, synchronise: bool = False):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            result = method(*args, **kwargs)
            if synchronise:
                sync(self.device)
            self.times[name].append(time.perf_counter() - start)
            return result

        return timed

    def summary(self, batch_size: int) -> dict:
        """Milliseconds per iteration (mean over the measured iterations) and images/s."""
        starts = self._iteration_starts[self.warmup :]
        walls = [b - a for a, b in zip(starts, starts[1:])]
        if not walls:
            raise ValueError('too few iterations after the warm-up to measure')
        count = len(walls)

        def mean_ms(name: str) -> float:
            values = self.times[name][self.warmup : self.warmup + count]
            return 1000 * sum(values) / len(values) if values else 0.0

        stages = ('train_step', 'run_iter', 'next(dataloader)')
        hooks = {name: mean_ms(name) for name in self.times if name not in stages}
        wall_ms = 1000 * sum(walls) / count
        step_ms = mean_ms('train_step')
        return dict(
            iterations=count,
            iteration_ms=wall_ms,
            images_per_s=batch_size * 1000 / wall_ms,
            train_step_ms=step_ms,
            outside_step_ms=wall_ms - step_ms,
            loader_wait_ms=mean_ms('next(dataloader)'),
            hooks_ms=sum(hooks.values()),
            # the loop between run_iter and the next batch: model.train(), freeing the last
            # batch, the validation check
            loop_ms=wall_ms - mean_ms('run_iter') - mean_ms('next(dataloader)'),
            hook_ms={name: ms for name, ms in sorted(hooks.items(), key=lambda kv: -kv[1])},
        )


class _TimedIterator:
    """The loop's data iterator, marking each iteration's start and timing ``next()``."""

    def __init__(self, iterator, timers: LoopTimers) -> None:
        self.iterator = iterator
        self.timers = timers

    def __iter__(self):
        return self

    def __next__(self):
        start = time.perf_counter()
        self.timers._iteration_starts.append(start)
        batch = next(self.iterator)
        self.timers.times['next(dataloader)'].append(time.perf_counter() - start)
        return batch

    def __getattr__(self, name: str):
        return getattr(self.iterator, name)
