"""GateStatisticsHook: the gates' coefficients in the training log at the logging interval."""

from types import SimpleNamespace

import pytest
import torch

from attn_unet.registry import HOOKS
from attn_unet.visualization import GateStatisticsHook, gate_statistics


def test_statistics_of_known_coefficients():
    closed_half = torch.tensor([0.0, 0.05, 0.5, 0.95]).view(1, 1, 2, 2)
    stats = gate_statistics({1: torch.full((2, 1, 3, 3), 0.5), 0: closed_half})
    assert list(stats)[:4] == ['gate0_mean', 'gate0_std', 'gate0_closed', 'gate0_open']
    assert stats['gate0_mean'] == pytest.approx(0.375)
    assert stats['gate0_std'] == pytest.approx(float(closed_half.std(unbiased=False)))
    assert (stats['gate0_closed'], stats['gate0_open']) == (0.5, 0.25)
    assert (stats['gate1_mean'], stats['gate1_std']) == (0.5, 0.0)
    assert (stats['gate1_closed'], stats['gate1_open']) == (0.0, 0.0)
    assert gate_statistics({}) == {}


class _Recorder:
    def __init__(self):
        self.lines, self.scalars = [], []

    def info(self, line):
        self.lines.append(line)

    def add_scalars(self, scalars, step):
        self.scalars.append((step, scalars))


def _runner(backbone, iteration, logger_interval=5):
    recorder = _Recorder()
    runner = SimpleNamespace(
        model=SimpleNamespace(backbone=backbone),
        iter=iteration,
        logger=recorder,
        visualizer=recorder,
        cfg=dict(default_hooks=dict(logger=dict(interval=logger_interval))),
    )
    return runner, recorder


def test_logs_every_logger_interval_only():
    backbone = SimpleNamespace(attention_maps={0: torch.full((1, 1, 4, 4), 0.02)})
    hook = HOOKS.build(dict(type='GateStatisticsHook'))
    runner, recorder = _runner(backbone, iteration=3)
    hook.before_train(runner)
    assert hook.interval == 5
    hook.after_train_iter(runner, 3)  # iteration 4
    assert recorder.lines == [] and recorder.scalars == []
    runner.iter = 4  # iteration 5
    hook.after_train_iter(runner, 4)
    (line,) = recorder.lines
    assert line.startswith('Iter(train) [5] gate alpha by stage 0: 0.020 +- 0.000 (closed 100%')
    ((step, scalars),) = recorder.scalars
    assert step == 5 and scalars['train/gate0_closed'] == 1.0


def test_a_model_without_gates_logs_nothing():
    hook = GateStatisticsHook(interval=1)
    for backbone in (SimpleNamespace(), SimpleNamespace(attention_maps={})):
        runner, recorder = _runner(backbone, iteration=0)
        hook.after_train_iter(runner, 0)
        assert recorder.lines == [] and recorder.scalars == []


@pytest.mark.parametrize('interval', [0, -1, 2.5, True, '10'])
def test_bad_intervals_are_refused(interval):
    with pytest.raises(ValueError, match='interval must be an int >= 1 or None'):
        GateStatisticsHook(interval=interval)
