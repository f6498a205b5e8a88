"""DivergenceGuardHook: the first non-finite loss, or weight, stops the run, naming the iteration.

The loss is checked every iteration, the weights every ``weights_interval`` iterations. With
an fp16 loss scaler a non-finite loss is a skipped step, tolerated a few times in a row;
non-finite weights never are.
"""

from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn
from mmengine.logging import MMLogger

from attn_unet.engine import DivergenceGuardHook
from attn_unet.errors import TrainingDivergedError

NAN = float('nan')


def _runner(tmp_path, iteration=4, loss_scaler=None, saved=None):
    if saved:
        (tmp_path / 'last_checkpoint').write_text(str(tmp_path / saved))
    return SimpleNamespace(
        iter=iteration - 1,  # after_train_iter runs before the loop counts the iteration
        model=nn.Sequential(nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2)),
        optim_wrapper=SimpleNamespace(loss_scaler=loss_scaler),
        work_dir=str(tmp_path),
        logger=MMLogger.get_instance('divergence_guard_test'),
    )


def _losses(loss, **others):
    return {'loss': torch.tensor(loss), 'decode.acc_seg': torch.tensor(NAN), **others}


def _hook(runner, **kwargs):
    hook = DivergenceGuardHook(**kwargs)
    hook.before_train(runner)
    return hook


def test_finite_iteration_passes(tmp_path):
    # acc_seg may be nan (no labelled pixel); only losses are judged
    runner = _runner(tmp_path)
    _hook(runner, weights_interval=1).after_train_iter(runner, 0, outputs=_losses(1.5))


@pytest.mark.parametrize(
    'saved, kept', [('iter_3.pth', 'the last finite checkpoint, '), (None, 'no checkpoint')]
)
def test_non_finite_loss_stops_at_that_iteration(tmp_path, saved, kept):
    runner = _runner(tmp_path, iteration=4, saved=saved)
    with pytest.raises(TrainingDivergedError) as info:
        DivergenceGuardHook().after_train_iter(
            runner, 3, outputs=_losses(NAN, **{'decode.loss_ce': torch.tensor(float('inf'))})
        )
    message = str(info.value)
    assert message.startswith('training diverged at iteration 4: the loss is not finite')
    assert 'loss=nan' in message and 'decode.loss_ce=inf' in message and kept in message
    assert 'optim_wrapper.optimizer.lr' in message and '\n' not in message
    if saved:
        assert str(tmp_path / saved) in message


@pytest.mark.parametrize('tensor', ['0.weight', '1.running_var'])
def test_non_finite_weight_or_buffer_stops_with_a_finite_loss(tmp_path, tensor):
    runner = _runner(tmp_path, iteration=4)
    hook = _hook(runner, weights_interval=2)  # tensors taken before they change in place
    runner.model.state_dict()[tensor].view(-1)[0] = float('inf')
    with pytest.raises(TrainingDivergedError, match=rf'no longer finite \({tensor} holds inf\)'):
        hook.after_train_iter(runner, 3, outputs=_losses(0.7))


def test_weights_are_checked_every_weights_interval_iterations(tmp_path):
    runner = _runner(tmp_path, iteration=3)
    hook = _hook(runner, weights_interval=4)
    runner.model.state_dict()['0.bias'][0] = NAN
    hook.after_train_iter(runner, 2, outputs=_losses(0.7))  # iteration 3: not looked at
    runner.iter = 3
    with pytest.raises(TrainingDivergedError, match='diverged at iteration 4: the weights'):
        hook.after_train_iter(runner, 3, outputs=_losses(0.7))


def test_large_finite_weights_are_no_false_alarm(tmp_path):
    # Their squares overflow the fused norm; the exact pass clears them.
    runner = _runner(tmp_path)
    runner.model.state_dict()['0.weight'].fill_(1e30)
    _hook(runner, weights_interval=1).after_train_iter(runner, 3, outputs=_losses(0.7))


def test_loss_scaler_skips_are_tolerated_a_few_times_in_a_row(tmp_path):
    runner = _runner(tmp_path, loss_scaler=object())
    hook = _hook(runner, max_skipped_steps=2)
    hook.after_train_iter(runner, 0, outputs=_losses(float('inf')))
    hook.after_train_iter(runner, 1, outputs=_losses(1.0))  # a finite step resets the count
    hook.after_train_iter(runner, 2, outputs=_losses(float('inf')))
    hook.after_train_iter(runner, 3, outputs=_losses(NAN))
    with pytest.raises(TrainingDivergedError, match='the loss is not finite'):
        hook.after_train_iter(runner, 4, outputs=_losses(NAN))


def test_loss_scaler_does_not_excuse_non_finite_weights(tmp_path):
    runner = _runner(tmp_path, loss_scaler=object())
    runner.model.state_dict()['0.bias'][0] = NAN
    with pytest.raises(TrainingDivergedError, match='0.bias holds nan'):
        _hook(runner, weights_interval=1).after_train_iter(runner, 0, outputs=_losses(NAN))


def test_it_runs_after_the_losses_are_read_and_before_the_checkpoint_hook():
    from mmengine.hooks import CheckpointHook, IterTimerHook, RuntimeInfoHook
    from mmengine.runner.priority import get_priority

    order = [RuntimeInfoHook, DivergenceGuardHook, IterTimerHook, CheckpointHook]
    priorities = [get_priority(hook.priority) for hook in order]
    assert priorities == sorted(priorities) and len(set(priorities)) == len(priorities)


@pytest.mark.parametrize(
    'kwargs',
    [
        dict(weights_interval=0),
        dict(max_skipped_steps=-1),
        dict(weights_interval=True),
        dict(weights_interval=2.5),
    ],
)
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        DivergenceGuardHook(**kwargs)
