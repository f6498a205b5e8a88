"""benchmarks/volume_inference.py: one interleaved run, a Markdown table of every backend."""

import re

import pytest

from tests.helpers.tools import assert_one_line_error, run_tool, run_tool_in_process

TOOL = 'benchmarks/volume_inference.py'
TINY = ['--base-channels', '4', '--size', '32x32', '--batch', '2', '--warmup', '0']


@pytest.mark.kernels  # each backend is checked against torch eager before it is timed
def test_the_table_has_every_backend_of_both_models_and_the_peak():
    from volume_inference import BACKENDS, COLUMNS

    proc = run_tool(TOOL, *TINY, '--repeats', '2', '--matmul-size', '64', '--matmul-repeats', '3')
    assert proc.returncode == 0, proc.stderr[-3000:]
    header, table = proc.stdout.split('\n\n')
    assert re.search(r'\d+ cores, 1 thread\(s\) each \| torch \S+, onnxruntime \S+', header)
    assert re.search(r'median of 2 interleaved rounds .* load average [\d.]+ before', header)
    lines = table.strip().splitlines()
    assert lines[0] == '| ' + ' | '.join(COLUMNS) + ' |'
    rows = [[cell.strip() for cell in line.strip('|').split('|')] for line in lines[2:]]
    expected = [(m, b) for m in ('AttentionUNet', 'UNet') for b in BACKENDS]
    peak = ('fp32 matmul 64x64x64, 3 per call', 'torch')
    assert [tuple(row[:2]) for row in rows] == [*expected, peak]
    for row in rows[:-1]:
        assert float(row[2]) > 0 and float(row[3].split()[0]) > 0 and float(row[6]) > 0
    assert [row[4].split()[0] for row in rows if row[1] == 'torch eager'] == ['1.00', '1.00']
    assert rows[-1][5] == f'{3 * 64**3 / 1e9:.3g} per call' and rows[-1][7] == '100'


@pytest.mark.parametrize(
    'args, fragments',
    [
        (['--size', '30x32'], ['size 30x32', 'divisible by the backbone downsample rate 16']),
        (['--size', '32x32,64x64'], ['--size takes one HxW']),
        (['--threads', '0'], ['must be >= 1']),
    ],
)
def test_bad_input(capsys, monkeypatch, args, fragments):
    run = run_tool_in_process(TOOL, *TINY, *args, capsys=capsys, monkeypatch=monkeypatch)
    assert_one_line_error(run, *fragments)
