import re

from tests.helpers.tools import run_tool


def test_reports_fps_on_synthetic_input(tiny):
    proc = run_tool(
        'tools/analysis_tools/benchmark.py',
        tiny['attn_config'],
        tiny['attn_ckpt'],
        '--shape',
        '32',
        '64',
        '--num-iters',
        '3',
        '--num-warmup',
        '1',
        '--repeat-times',
        '2',
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'synthetic 32x64 image' in proc.stdout
    assert len(re.findall(r'Run \d: [\d.]+ img / s', proc.stdout)) == 2
    assert float(re.search(r'Average fps of 2 evaluations: ([\d.]+)', proc.stdout).group(1)) > 0
