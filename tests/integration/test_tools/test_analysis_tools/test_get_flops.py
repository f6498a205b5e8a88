import re

from attn_unet.apis import build_segmentor, load_config
from tests.helpers.tools import assert_one_line_error, run_tool, run_tool_in_process


def test_prints_exact_params_and_flops(tiny):
    proc = run_tool('tools/analysis_tools/get_flops.py', tiny['attn_config'], '--shape', '32', '64')
    assert proc.returncode == 0, proc.stderr[-2000:]
    params = int(re.search(r'Params \(exact\): (\d+)', proc.stdout).group(1))
    model = build_segmentor(load_config(tiny['attn_config']))
    assert params == sum(p.numel() for p in model.parameters())
    assert int(re.search(r'Flops \(exact\): (\d+)', proc.stdout).group(1)) > 0
    assert re.search(r'backbone.attention_gates +[\d,]+ +[\d.]+ +[\d,]+', proc.stdout)  # table


def test_bad_shape(tiny, capsys, monkeypatch):
    run = run_tool_in_process(
        'tools/analysis_tools/get_flops.py',
        tiny['attn_config'],
        '--shape',
        '30',
        '64',
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert_one_line_error(run, '30x64 is not divisible', 'downsample rate 4')
