"""The A/B and nnU-Net benchmarks' tables: mean and sample std over seeds, per-seed rows."""

import math

import pytest
from decathlon_runs import TrainSettings, mean_std, runs_table


def test_mean_and_sample_std_skip_missing_runs():
    assert mean_std([1.0, 3.0]) == pytest.approx((2.0, math.sqrt(2.0)))
    assert mean_std([4.0, None, math.nan]) == (4.0, 0.0)
    assert all(math.isnan(v) for v in mean_std([]))


def test_runs_table_has_a_cell_per_seed_and_the_spread():
    rows = {
        'nnunet': {0: dict(metrics={'mDSC': 40.0}), 1: dict(metrics={'mDSC': 50.0})},
        'light': {0: dict(metrics={'mDSC': 60.0})},
    }
    lines = runs_table(rows, ['mDSC']).splitlines()
    assert lines[0] == '| arm | metric | seed 0 | seed 1 | mean +- std |'
    assert lines[2] == '| nnunet | mDSC | 40.0 | 50.0 | 45.0 +- 7.1 |'
    assert lines[3] == '| light | mDSC | 60.0 |  | 60.0 +- 0.0 |'


def test_the_schedule_ends_with_the_run_and_the_config_keeps_what_is_not_set():
    options = TrainSettings(iters=300, batch=None, crop=None).cfg_options(seed=3)
    assert 'param_scheduler.0.end=300' in options and 'train_cfg.max_iters=300' in options
    assert 'randomness.seed=3' in options and 'train_cfg.val_begin=301' in options
    assert not any('batch_size' in o or 'crop_size' in o for o in options)
    assert 'train_dataloader.batch_size=4' in TrainSettings().cfg_options(0)
