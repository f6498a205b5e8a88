"""tools/train.py: trains, saves, resumes with optimizer (AdamW moments) and scheduler state."""

import shutil

import torch

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, probe_config, tiny_options
from tests.helpers.tools import run_tool


def _load(path):
    return torch.load(path, map_location='cpu', weights_only=True)


def test_train_saves_checkpoint_and_last_checkpoint(trained_run):
    checkpoint = _load(trained_run / 'iter_2.pth')
    assert checkpoint['meta']['iter'] == 2
    assert (trained_run / 'last_checkpoint').read_text().strip().endswith('iter_2.pth')
    assert any(k.startswith('backbone.attention_gates') for k in checkpoint['state_dict'])


def test_resume_restores_optimizer_and_scheduler_state(trained_run, tiny_data, tmp_path):
    work_dir = tmp_path / 'resumed'
    shutil.copytree(trained_run, work_dir)
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_2.pth'))
    saved = _load(work_dir / 'iter_2.pth')

    config = probe_config(tmp_path, ['ResumeStateProbeHook'])
    options = tiny_options(tiny_data, iters=4)
    # The saved scheduler ran for 2 iterations; keep its end so the states compare.
    options = [o for o in options if not o.startswith('param_scheduler')] + [
        'param_scheduler.0.end=2'
    ]
    result = run_tool(
        'tools/train.py',
        config,
        '--work-dir',
        work_dir,
        '--resume',
        '--cfg-options',
        *options,
    )
    assert result.returncode == 0, result.stderr[-3000:]

    probe = _load(work_dir / 'resume_probe.pth')
    assert probe['iter'] == 2
    saved_state = saved['optimizer']['state']
    assert saved_state, 'the optimizer must have saved its moment buffers'
    for index, buffers in saved_state.items():
        assert set(buffers) >= {'exp_avg', 'exp_avg_sq'}
        for name, value in buffers.items():
            torch.testing.assert_close(probe['optimizer']['state'][index][name], value)
    assert probe['schedulers'] == saved['param_schedulers']
    assert probe['schedulers'][0]['last_step'] > 0
    saved_lrs = [g['lr'] for g in saved['optimizer']['param_groups']]
    assert [g['lr'] for g in probe['optimizer']['param_groups']] == saved_lrs
    assert saved_lrs[0] < 0.003, 'the poly schedule must have decayed the lr before saving'
    assert _load(work_dir / 'iter_4.pth')['meta']['iter'] == 4


def test_amp_trains_under_bfloat16_autocast_on_cpu(tiny_data, tmp_path):
    result = run_tool(
        'tools/train.py',
        probe_config(tmp_path, ['AutocastProbeHook']),
        '--work-dir',
        tmp_path,
        '--amp',
        '--cfg-options',
        *tiny_options(tiny_data),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    import json

    records = json.loads((tmp_path / 'autocast_probe.json').read_text())
    assert len(records) >= 2
    assert all(r['enabled'] and r['dtype'] == 'torch.bfloat16' for r in records)
    assert all(r['output_dtype'] == 'torch.bfloat16' for r in records)
    checkpoint = _load(tmp_path / 'iter_2.pth')
    assert 'loss_scaler' not in checkpoint['optimizer']


def test_channels_last_flag_trains(tiny_data, tmp_path):
    result = run_tool(
        'tools/train.py',
        MINI_ATTN_CONFIG,
        '--work-dir',
        tmp_path,
        '--channels-last',
        '--cfg-options',
        *tiny_options(tiny_data),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'memory format channels_last' in result.stdout + result.stderr
