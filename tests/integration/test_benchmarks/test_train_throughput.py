"""benchmarks/train_throughput.py at small size: the real loop, timed by hook; loader; inference.

Speed targets live in the benchmark's output, not here: this checks that every figure is
measured on the real runner (its hooks, the guards among them) and reported.
"""

import json

import pytest

from tests.helpers.tools import run_tool

TOOL = 'benchmarks/train_throughput.py'


@pytest.mark.kernels
def test_small_run_reports_the_loop_the_step_the_loader_and_inference(tmp_path):
    out = tmp_path / 'throughput.json'
    proc = run_tool(
        TOOL, '--size', 'small', '--iters', '3', '--warmup', '1', '--model', 'attn',
        '--variants', 'fp32', '--workers', '1', '--loader-workers', '0,1',
        '--loader-batches', '2', '--step-repeats', '2', '--base-channels', '4',
        '--inference-images', '1', '--inference-repeats', '1', '--scenes', '4',
        '--data', tmp_path / 'scenes', '--out', out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report['environment']['device'] == 'cpu' and report['environment']['torch']
    (run,) = report['runs']
    loop = run['loop']
    assert loop['iterations'] == 3 and loop['images_per_s'] > 0
    assert 0 < loop['train_step_ms'] < loop['iteration_ms']
    assert loop['outside_step_ms'] >= loop['hooks_ms'] > 0
    parts = loop['loader_wait_ms'] + loop['loop_ms'] + loop['hooks_ms'] + loop['train_step_ms']
    assert abs(parts - loop['iteration_ms']) < 0.05 * loop['iteration_ms']  # run_iter's rest
    # the guards run in the loop and are timed like every other hook
    for hook in ('DivergenceGuardHook', 'LabelIdGuardHook', 'ExactResumeHook',
                 'SafeCheckpointHook', 'RuntimeInfoHook', 'LoggerHook'):  # fmt: skip
        assert f'{hook}.after_train_iter' in loop['hook_ms'], hook
    assert run['step_alone']['images_per_s'] > 0
    assert set(report['loader']) == {'cityscapes', 'synapse'}  # both pipelines, by default
    for rates in report['loader'].values():
        assert [rate['workers'] for rate in rates] == [0, 1]
        assert all(rate['samples_per_s'] > 0 for rate in rates)
    inference = run['inference']
    assert inference['image_size'] == [128, 256] and inference['batch_norms_folded'] > 0
    # every class that differs is a near tie of the fp32 logits (rounding decides it)
    assert inference['decisive_disagreements'] == 0 and 0 <= inference['near_ties'] <= 1
    assert 1 - inference['argmax_agreement'] <= inference['near_ties'] + 1e-9
    assert '| attn | fp32 |' in proc.stdout and '| synapse | 1 |' in proc.stdout
