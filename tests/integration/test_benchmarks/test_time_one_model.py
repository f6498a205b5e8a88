"""benchmarks/time_one_model.py: N steps of one model in one process."""

import re

import pytest

from tests.helpers.tiny_setup import ATTN_CONFIG
from tests.helpers.tools import (
    assert_one_line_error,
    run_tool,
    run_tool_in_process,
)

TOOL = 'benchmarks/time_one_model.py'


@pytest.mark.parametrize('mode, steps', [('infer', 3), ('train', 2), ('infer', 0)])
def test_runs_the_asked_steps(mode, steps):
    proc = run_tool(
        TOOL,
        ATTN_CONFIG,
        '--base-channels',
        '4',
        '--size',
        '32x64',
        '--steps',
        steps,
        '--mode',
        mode,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = re.search(rf'(\d+) {mode} steps of \S+ at 32x64: (.*)', proc.stdout)
    assert line and int(line.group(1)) == steps
    if steps:
        assert float(line.group(2).split(' ms median')[0]) > 0
    else:
        assert line.group(2) == 'start-up only'


@pytest.mark.parametrize(
    'args, fragments',
    [
        (['--size', '30x64'], ['size 30x64', 'divisible by']),
        (['--size', '32x64,64x64'], ['--size takes one HxW']),
        (['--mode', 'eval'], ["mode 'eval'", 'train']),
    ],
)
def test_bad_input(capsys, monkeypatch, args, fragments):
    run = run_tool_in_process(
        TOOL, ATTN_CONFIG, '--base-channels', '4', *args, capsys=capsys, monkeypatch=monkeypatch
    )
    assert_one_line_error(run, *fragments)
