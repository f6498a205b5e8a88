from attn_vs_unet import COLUMNS

from tests.helpers.tools import (
    assert_one_line_error,
    run_tool,
    run_tool_in_process,
)

TOOL = 'benchmarks/bench_attn_vs_unet.py'


def _run_tiny(*args):
    """The benchmark at width 4, batch 1, no warm-up, on the CPU."""
    tiny = ['--base-channels', '4', '--batch', '1', '--warmup', '0', '--device', 'cpu']
    return run_tool(TOOL, *tiny, *args)


def _table(stdout):
    lines = [line for line in stdout.splitlines() if line.count('|') == len(COLUMNS) - 1]
    return [[cell.strip() for cell in line.split('|')] for line in lines]


def test_table_rows_and_columns_at_tiny_size():
    proc = _run_tiny('--sizes', '32x64,64x64', '--repeats', '1', '--with-cp')
    assert proc.returncode == 0, proc.stderr[-3000:]
    header, *rows = _table(proc.stdout)
    assert header == list(COLUMNS)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (size, name, ref)
        for size in ('32x64', '64x64')
        for name, ref in (
            ('UNet', '-'),
            ('AttentionUNet', 'UNet'),
            ('AttentionUNet+with_cp', 'AttentionUNet'),
        )
    ]
    cells = {(r[0], r[1]): dict(zip(COLUMNS, r)) for r in rows}
    attn = cells[('32x64', 'AttentionUNet')]
    assert float(attn['params x']) > 1.0 and float(attn['FLOPs x']) > 1.0
    assert attn['targets'] == 'PASS' or attn['targets'].startswith('FAIL: ')
    assert float(cells[('64x64', 'AttentionUNet+with_cp')]['peak x']) < 1.0
    assert 'saved_tensors_hooks' in proc.stdout


def test_bad_size(capsys, monkeypatch):
    run = run_tool_in_process(
        TOOL,
        '--base-channels',
        '4',
        '--sizes',
        '30x64',
        '--options',
        'none',
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert_one_line_error(run, 'size 30x64', 'not divisible by the backbone downsample rate 16')


def test_infer_only_mode_times_inference_alone():
    proc = _run_tiny('--sizes', '32x64', '--repeats', '2', '--modes', 'infer', '--options', 'none')
    assert proc.returncode == 0, proc.stderr[-3000:]
    header, *rows = _table(proc.stdout)
    cells = {r[1]: dict(zip(COLUMNS, r)) for r in rows}
    assert list(cells) == ['UNet', 'AttentionUNet']
    attn = cells['AttentionUNet']
    assert attn['train ms'] == '-' and float(attn['infer ms']) > 0
    low, high = (float(v) for v in attn['infer x range'].split('-'))
    assert low <= float(attn['infer x']) <= high


def test_unknown_mode(capsys, monkeypatch):
    run = run_tool_in_process(
        TOOL,
        '--base-channels',
        '4',
        '--modes',
        'train,eval',
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert_one_line_error(run, 'modes', 'train, infer')
