"""tools/dist_test.sh: two gloo CPU ranks split the val set and match single-process metrics."""

import json

from tests.distributed import free_port

from .conftest import MINI_ATTN_CONFIG, run_tool, tiny_options


def test_dist_test_two_cpu_ranks_match_single_process(trained_run, tiny_data, tmp_path):
    checkpoint = trained_run / 'iter_2.pth'
    common = ['--cfg-options', *tiny_options(tiny_data)]
    single = run_tool(
        'tools/test.py',
        MINI_ATTN_CONFIG,
        checkpoint,
        '--work-dir',
        tmp_path / 'single',
        '--out-metrics',
        tmp_path / 'single.json',
        *common,
    )
    assert single.returncode == 0, single.stderr[-3000:]
    dist = run_tool(
        'bash',
        'tools/dist_test.sh',
        MINI_ATTN_CONFIG,
        checkpoint,
        '2',
        '--work-dir',
        tmp_path / 'dist',
        '--out-metrics',
        tmp_path / 'dist.json',
        *common,
        env={'PORT': str(free_port())},
    )
    output = dist.stdout + dist.stderr
    assert dist.returncode == 0, output[-3000:]
    assert 'Distributed training: True' in output and 'GPU number: 2' in output, output[-3000:]
    single_metrics = json.loads((tmp_path / 'single.json').read_text())['metrics']
    dist_metrics = json.loads((tmp_path / 'dist.json').read_text())['metrics']
    # Each rank sees one of the two val images; the metric is computed on both after gathering.
    assert dist_metrics == single_metrics, output[-3000:]
    assert output.count('metrics written to') == 1, output[-3000:]
