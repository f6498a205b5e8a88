"""Stop training at the first non-finite loss or weight, in one line naming the iteration.

Without it a run whose learning rate is far too high logs ``loss: nan`` from some
iteration on, trains to the end, exits 0 and saves checkpoints full of non-finite
weights. This hook checks the losses and the model's weights and buffers after every
training iteration, before the checkpoint hook can save them, and raises
:class:`~attn_unet.errors.TrainingDivergedError`; the checkpoints already written (all
finite) stay. :class:`~attn_unet.engine.AttnUNetRunner` adds it to every run as the
default hook ``divergence_guard`` (``default_hooks.divergence_guard=None`` turns it off;
the runner still never writes a checkpoint with non-finite weights).

With an fp16 loss scaler (``--amp`` on CUDA) a non-finite loss is how an overflowing
step shows itself: the scaler skips the step and lowers its scale, and the weights stay
as they were. Such steps pass, up to ``max_skipped_steps`` in a row; non-finite weights
never pass. Under DDP the ranks agree (one all-reduce) so that all of them stop together.
"""

import os.path as osp
from typing import Mapping

import torch
from mmengine.dist import all_reduce, is_distributed
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from attn_unet.errors import TrainingDivergedError
from attn_unet.registry import HOOKS

from ..checkpoint import first_non_finite

__all__ = ['DivergenceGuardHook', 'diverged_error', 'last_finite_checkpoint_note']

ADVICE = (
    'lower the learning rate (optim_wrapper.optimizer.lr) or clip gradients '
    '(optim_wrapper.clip_grad=dict(max_norm=1.0)), then train again'
)


def last_finite_checkpoint_note(work_dir: str) -> str:
    """Which checkpoint survives a diverged run: the one ``last_checkpoint`` names."""
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named:
            return f'the last finite checkpoint, {named}, is kept'
    return 'no checkpoint was written before it'


def diverged_error(iteration: int, what: str, work_dir: str) -> TrainingDivergedError:
    """The one-line error of a run that diverged at ``iteration`` (1-based, as logged)."""
    return TrainingDivergedError(
        f'training diverged at iteration {iteration}: {what}; '
        f'{last_finite_checkpoint_note(work_dir)}: {ADVICE}'
    )


def _all_finite(tensors) -> bool:
    flags = [t.isfinite().all() for t in tensors if t.is_floating_point()]
    return bool(torch.stack(flags).all()) if flags else True


def _non_finite_losses(outputs: Mapping | None) -> dict:
    """``{name: value}`` of the logged losses that are nan or inf."""
    bad = {}
    for name, value in (outputs or {}).items():
        if 'loss' not in name:
            continue
        value = torch.as_tensor(value).detach()
        if value.is_floating_point() and not value.isfinite().all():
            bad[name] = value
    return bad


@HOOKS.register_module()
class DivergenceGuardHook(Hook):
    """Raise at the first training iteration whose loss or weights are not finite.

    Args:
        max_skipped_steps: with a loss scaler (fp16 AMP), how many iterations in a
            row may have a non-finite loss (each step skipped by the scaler) before
            the run stops. Without a scaler the first one stops it.
    """

    priority = 'VERY_HIGH'  # before the checkpoint hook looks at this iteration

    def __init__(self, max_skipped_steps: int = 10) -> None:
        self.max_skipped_steps = max_skipped_steps
        self._skipped_in_a_row = 0

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        iteration = runner.iter + 1
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        state = model.state_dict()
        bad_losses = _non_finite_losses(outputs)
        weights_finite = _all_finite(state.values())
        loss_bad, weights_bad = bool(bad_losses), not weights_finite
        if is_distributed():
            flags = torch.tensor([float(loss_bad), float(weights_bad)])
            all_reduce(flags)
            loss_bad, weights_bad = bool(flags[0] > 0), bool(flags[1] > 0)
        if weights_bad:
            where = first_non_finite(state)
            named = f' ({where[0]} holds {where[1]})' if where else ' (on another rank)'
            raise diverged_error(
                iteration, f'the weights are no longer finite{named}', runner.work_dir
            )
        if not loss_bad:
            self._skipped_in_a_row = 0
            return
        values = ', '.join(f'{k}={float(v.float().mean())}' for k, v in bad_losses.items())
        values = values or 'on another rank'
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
