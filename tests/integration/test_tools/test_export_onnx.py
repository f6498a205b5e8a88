"""tools/deployment/export_onnx.py: a checked ONNX model, or one line saying what is wrong."""

import re
import sys

import pytest

from tests.helpers.tools import assert_one_line_error, file_hashes, run_tool, run_tool_in_process

TOOL = 'tools/deployment/export_onnx.py'


@pytest.mark.kernels
def test_it_exports_checks_three_sizes_and_saves(tiny, tmp_path):
    out = tmp_path / 'attn.onnx'
    proc = run_tool(TOOL, tiny['attn_config'], tiny['attn_ckpt'], '--out', out, '--shape', 16, 24)
    assert proc.returncode == 0, proc.stderr[-3000:]
    checks = re.findall(
        r'onnxruntime vs torch at (\d+x3x\d+x\d+): max \|logit difference\| (\S+) '
        r'\(limit (\S+)\), predictions agree on \S+% of ([\d,]+) pixels; ([\d,]+) near ties '
        r'.*, ([\d,]+) decisive disagreements',
        proc.stdout,
    )
    assert [c[0] for c in checks] == ['1x3x16x24', '2x3x24x20', '2x3x12x36']
    for _, diff, limit, pixels, near_ties, decisive in checks:
        assert float(diff) <= float(limit) and decisive == '0'
        # which class wins a near tie depends on the processor: they are counted, not held
        assert int(near_ties.replace(',', '')) <= 0.01 * int(pixels.replace(',', ''))
    assert f'ONNX model saved to {out} (opset 17, dynamic N, H, W)' in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ['attn.onnx']


@pytest.mark.parametrize(
    'make_args, fragments',
    [
        (lambda t, p: [t['attn_config'], p / 'none.pth'], ['none.pth', 'does not exist']),
        (lambda t, p: [t['attn_config'], t['unet_ckpt']], ['does not fit the model']),
        (
            lambda t, p: [t['attn_config'], t['attn_ckpt'], '--shape', 30, 64],
            ['--shape 30x64 is not divisible by the backbone downsample rate 4'],
        ),
        (
            lambda t, p: [t['attn_config'], t['attn_ckpt'], '--verify-shapes', 32, 64, 40],
            ['--verify-shapes', 'pass H W pairs'],
        ),
        (
            lambda t, p: [t['attn_config'], t['attn_ckpt'], '--tolerance', 1e-12],
            ['disagrees with torch at 1x3x32x64', 'was not written', '--tolerance'],
        ),
    ],
)
def test_bad_input_ends_in_one_line(tiny, tmp_path, capsys, monkeypatch, make_args, fragments):
    out = tmp_path / 'out' / 'model.onnx'
    args = [*make_args(tiny, tmp_path), '--out', out]
    run = run_tool_in_process(TOOL, *args, capsys=capsys, monkeypatch=monkeypatch)
    assert_one_line_error(run, *fragments)
    assert not out.exists() and not list((tmp_path / 'out').glob('*'))


def test_outputs_it_must_not_write(tiny, tmp_path, capsys, monkeypatch):
    existing = tmp_path / 'model.onnx'
    existing.write_bytes(b'keep me')
    not_a_folder = tmp_path / 'file.txt'
    not_a_folder.write_text('a file, not a folder')
    before = file_hashes(tmp_path)
    for out, fragments in (
        (existing, ['exists: pass --overwrite']),
        (not_a_folder / 'sub' / 'model.onnx', ['cannot write --out', 'is a file, not a folder']),
        (tmp_path, ['is a directory']),
    ):
        run = run_tool_in_process(
            TOOL,
            tiny['unet_config'],
            tiny['unet_ckpt'],
            '--out',
            out,
            capsys=capsys,
            monkeypatch=monkeypatch,
        )
        assert_one_line_error(run, *fragments)
    assert file_hashes(tmp_path) == before


@pytest.mark.parametrize('package', ['onnx', 'onnxruntime'])
def test_without_the_deploy_extra_it_says_how_to_install_it(
    tiny, tmp_path, capsys, monkeypatch, package
):
    monkeypatch.setitem(sys.modules, package, None)
    run = run_tool_in_process(
        TOOL,
        tiny['unet_config'],
        tiny['unet_ckpt'],
        '--out',
        tmp_path / 'm.onnx',
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert_one_line_error(run, f'{package} is not installed', 'pip install -e ".[deploy]"')
