"""Stop training at the first non-finite loss, or at weights gone non-finite, in one line.

Without it a run whose learning rate is far too high logs ``loss: nan`` from some
iteration on, trains to the end, exits 0 and saves checkpoints full of non-finite
weights. This hook raises :class:`~attn_unet.errors.TrainingDivergedError`, naming the
iteration and the last finite checkpoint, which stays the newest.

What it costs the loop (see ``benchmarks/train_throughput.py``):

- the losses, every iteration: mmengine's ``RuntimeInfoHook`` (priority VERY_HIGH) has
  already copied each one to the host for the log, so the device is idle and reading the
  scalars again adds no wait;
- the weights and buffers, every ``weights_interval`` iterations: one fused reduction per
  dtype (:func:`~attn_unet.checkpoints.finite_weights.all_finite`). A non-finite weight makes
  the next loss non-finite in training mode, except in BatchNorm's running statistics,
  which only this check sees.

:class:`~attn_unet.engine.AttnUNetRunner` checks the weights once more before it writes a
checkpoint, so no checkpoint holds a non-finite weight whatever the interval.

With an fp16 loss scaler a non-finite loss is how an overflowing step shows itself: the
scaler skips the step and lowers its scale, and the weights stay as they were. Such steps
pass, up to ``max_skipped_steps`` in a row; without a scaler (fp32, bf16) the first one
stops the run. Under DDP the ranks agree with one all-reduce of two flags per iteration,
so that all of them stop together.
"""

import math
from typing import Mapping

import torch
from mmengine.dist import all_reduce, is_distributed
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from attn_unet.checkpoints import (
    all_finite,
    first_non_finite,
    floating_tensors,
    pointed_checkpoint,
)
from attn_unet.errors import TrainingDivergedError
from attn_unet.registry import HOOKS

__all__ = ['DivergenceGuardHook', 'diverged_error', 'last_finite_checkpoint_note']

ADVICE = (
    'lower the learning rate (optim_wrapper.optimizer.lr) or clip gradients '
    '(optim_wrapper.clip_grad=dict(max_norm=1.0)), then train again'
)


def last_finite_checkpoint_note(work_dir: str) -> str:
    """Which checkpoint survives a diverged run: the one ``last_checkpoint`` names."""
    named = pointed_checkpoint(work_dir)
    if named:
        return f'the last finite checkpoint, {named}, is kept'
    return 'no checkpoint was written before it'


def diverged_error(iteration: int, what: str, work_dir: str) -> TrainingDivergedError:
    """The one-line error of a run that diverged at ``iteration`` (1-based, as logged)."""
    return TrainingDivergedError(
        f'training diverged at iteration {iteration}: {what}; '
        f'{last_finite_checkpoint_note(work_dir)}: {ADVICE}'
    )


def non_finite_weight(model: torch.nn.Module, tensors=None) -> tuple | None:
    """``(name, 'nan' or 'inf')`` of the first non-finite weight or buffer of ``model``, or None.

    One fused reduction decides; only when it finds something does the exact per-tensor pass
    run, to name the tensor (or to clear a norm that overflowed on large finite values).

    Args:
        model: the unwrapped model.
        tensors: ``floating_tensors(model)`` taken earlier, to skip collecting them again.
    """
    tensors = tensors if tensors is not None else floating_tensors(model)
    if all_finite(tensor for _, tensor in tensors):
        return None
    return first_non_finite(dict(tensors))


def agree_across_ranks(*flags: bool) -> tuple:
    """Each flag OR-ed over the ranks (as given without a process group)."""
    if not is_distributed():
        return flags
    reduced = torch.tensor([float(flag) for flag in flags])
    all_reduce(reduced)
    return tuple(bool(value > 0) for value in reduced.tolist())


def _non_finite_losses(outputs: Mapping | None) -> dict:
    """``{name: value}`` of the logged losses that are nan or inf."""
    bad = {}
    for name, value in (outputs or {}).items():
        if 'loss' not in name:
            continue
        value = float(torch.as_tensor(value).detach().float().mean())
        if not math.isfinite(value):
            bad[name] = value
    return bad


@HOOKS.register_module()
class DivergenceGuardHook(Hook):
    """Raise at the first training iteration whose loss, or whose weights, are not finite.

    Args:
        weights_interval: check the weights and buffers every this many iterations
            (the losses are checked every iteration). Default 50, mmseg's log interval.
        max_skipped_steps: with a loss scaler (fp16 AMP), how many iterations in a
            row may have a non-finite loss (each step skipped by the scaler) before
            the run stops. Without a scaler the first one stops it.
    """

    priority = 'HIGH'  # after RuntimeInfoHook has read the losses, before the checkpoint hook

    def __init__(self, weights_interval: int = 50, max_skipped_steps: int = 10) -> None:
        _check_count('weights_interval', weights_interval, minimum=1)
        _check_count('max_skipped_steps', max_skipped_steps, minimum=0)
        self.weights_interval = weights_interval
        self.max_skipped_steps = max_skipped_steps
        self._skipped_in_a_row = 0
        self._tensors = None

    def before_train(self, runner) -> None:
        self._tensors = floating_tensors(_unwrapped(runner.model))

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        iteration = runner.iter + 1
        bad_losses = _non_finite_losses(outputs)
        where = None
        if iteration % self.weights_interval == 0:
            if self._tensors is None:
                self.before_train(runner)
            where = non_finite_weight(_unwrapped(runner.model), self._tensors)
        loss_bad, weights_bad = agree_across_ranks(bool(bad_losses), where is not None)
        if weights_bad:
            named = f' ({where[0]} holds {where[1]})' if where else ' (on another rank)'
            raise diverged_error(
                iteration, f'the weights are no longer finite{named}', runner.work_dir
            )
        if not loss_bad:
            self._skipped_in_a_row = 0
            return
        values = ', '.join(f'{k}={v}' for k, v in bad_losses.items()) or 'on another rank'
        scaler = getattr(runner.optim_wrapper, 'loss_scaler', None)
        if scaler is not None and self._skipped_in_a_row < self.max_skipped_steps:
            self._skipped_in_a_row += 1
            runner.logger.warning(
                f'iteration {iteration}: non-finite loss ({values}); the fp16 loss scaler '
                f'skips this step ({self._skipped_in_a_row} of at most '
                f'{self.max_skipped_steps} in a row)'
            )
            return
        raise diverged_error(iteration, f'the loss is not finite ({values})', runner.work_dir)


def _check_count(name: str, value, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f'DivergenceGuardHook: {name} must be an int >= {minimum}, got {value!r}')


def _unwrapped(model: torch.nn.Module) -> torch.nn.Module:
    return model.module if is_model_wrapper(model) else model
