"""tools/dist_test.sh: two gloo CPU ranks split the val set and match single-process metrics."""

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, single_and_two_rank_metrics, tiny_options


def test_dist_test_two_cpu_ranks_match_single_process(trained_run, tiny_data, tmp_path):
    options = ['--cfg-options', *tiny_options(tiny_data)]
    single_metrics, dist_metrics, output = single_and_two_rank_metrics(
        MINI_ATTN_CONFIG, trained_run / 'iter_2.pth', options, tmp_path
    )
    # Each rank sees one of the two val images; the metric is computed on both after gathering.
    assert dist_metrics == single_metrics, output[-3000:]
    assert output.count('metrics written to') == 1, output[-3000:]
