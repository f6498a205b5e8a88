"""tools/dist_train.sh: two gloo ranks on CPU train and end with identical weights.

Both dist scripts refuse a bad card count or a busy PORT in one line before torchrun starts.
"""

import socket

import pytest
import torch

from tests.helpers.distributed import free_port
from tests.helpers.mini_runs import probe_config, tiny_options
from tests.helpers.tools import REPO, run_tool


def test_dist_train_two_cpu_ranks_agree(tiny_data, tmp_path):
    result = run_tool(
        'bash',
        'tools/dist_train.sh',
        probe_config(tmp_path, ['RankStateDumpHook']),
        '2',
        '--work-dir',
        tmp_path,
        '--cfg-options',
        *tiny_options(tiny_data),
        env={'PORT': str(free_port())},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert 'SyncBN kept synchronised across ranks' in output
    rank0 = torch.load(tmp_path / 'rank0_state.pth', weights_only=True)
    rank1 = torch.load(tmp_path / 'rank1_state.pth', weights_only=True)
    saved = torch.load(tmp_path / 'iter_2.pth', weights_only=True)['state_dict']
    assert rank0.keys() == rank1.keys() == saved.keys()
    for key in rank0:
        # Running BN statistics match only because the ranks share batch statistics.
        torch.testing.assert_close(rank0[key], rank1[key], rtol=0, atol=0, msg=key)
        torch.testing.assert_close(rank0[key], saved[key], rtol=0, atol=0, msg=key)
    initial_bias = torch.zeros_like(rank0['backbone.encoder.0.0.convs.0.bn.running_mean'])
    assert not torch.equal(rank0['backbone.encoder.0.0.convs.0.bn.running_mean'], initial_bias)


def _script_args(script, count):
    return ['cfg.py', count] if script == 'dist_train.sh' else ['cfg.py', 'x.pth', count]


def _assert_script_refuses(result, *words):
    assert result.returncode == 2, result.stderr[-3000:]
    assert 'Traceback' not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('error: '), result.stderr[-3000:]
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize('script', ['dist_train.sh', 'dist_test.sh'])
@pytest.mark.parametrize('count', ['0', '-2', 'two', '1.5', ''])
def test_dist_scripts_refuse_a_bad_card_count(script, count):
    result = run_tool('bash', f'tools/{script}', *_script_args(script, count))
    _assert_script_refuses(result, f"got '{count}'", 'positive whole number', script)


@pytest.mark.parametrize('script', ['dist_train.sh', 'dist_test.sh'])
def test_dist_scripts_refuse_a_busy_port(script):
    with socket.socket() as busy:
        busy.bind(('', 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_tool(
            'bash', f'tools/{script}', *_script_args(script, '2'), env={'PORT': str(port)}
        )
    _assert_script_refuses(result, f'PORT {port} is busy', 'PORT=')


@pytest.mark.parametrize('script', ['dist_train.sh', 'dist_test.sh'])
def test_dist_scripts_refuse_more_processes_than_visible_gpus(script, tmp_path):
    """On a 1-GPU machine 8 ranks would die in mmengine, one traceback each; refused instead."""
    fake = tmp_path / 'one_gpu'
    fake.mkdir()
    (fake / 'sitecustomize.py').write_text(
        'import torch\n'
        'torch.cuda.is_available = lambda: True\n'
        'torch.cuda.device_count = lambda: 1\n'
    )
    result = run_tool(
        'bash', f'tools/{script}', *_script_args(script, '8'),
        env={'PYTHONPATH': f'{fake}:{REPO}', 'CUDA_VISIBLE_DEVICES': '0'},
    )  # fmt: skip
    _assert_script_refuses(
        result, '8 processes per node but 1 GPU visible (CUDA_VISIBLE_DEVICES=0)',
        f'at most 1 (e.g. bash tools/{script} CONFIG ', 'several nodes',
    )  # fmt: skip


def test_a_diverging_two_rank_run_stops_on_both_ranks_keeping_the_finite_checkpoint(
    tiny_data, tmp_path
):
    result = run_tool(
        'bash', 'tools/dist_train.sh', probe_config(tmp_path, []), '2', '--work-dir', tmp_path,
        '--cfg-options', *tiny_options(tiny_data, iters=4), 'optim_wrapper.optimizer.lr=1e10',
        'default_hooks.checkpoint.interval=1',
        env={'PORT': str(free_port())},
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    errors = [line for line in output.splitlines() if line.startswith('error: ')]
    assert len(errors) == 2 and errors[0] == errors[1], output[-3000:]  # the ranks agree
    assert 'training diverged at iteration 2' in errors[0]
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['iter_1.pth']
    kept = torch.load(tmp_path / 'iter_1.pth', weights_only=True)['state_dict']
    assert all(v.isfinite().all() for v in kept.values() if v.is_floating_point())
