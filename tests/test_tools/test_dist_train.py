"""tools/dist_train.sh: two gloo ranks on CPU train and end with identical weights."""

import torch

from tests.distributed import free_port

from .conftest import probe_config, run_tool, tiny_options


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
