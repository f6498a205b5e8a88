import cv2
import pytest

from attn_unet.visualization import grid_size
from tests.helpers.tiny_setup import IMAGE_HW
from tests.helpers.tools import (
    assert_one_line_error,
    run_tool,
    run_tool_in_process,
)

TOOL = 'tools/visualize_attention.py'


def test_writes_grid_with_a_panel_per_gate(tiny, tmp_path):
    out = tmp_path / 'attention.png'
    proc = run_tool(
        TOOL,
        tiny['image'],
        tiny['attn_config'],
        tiny['attn_ckpt'],
        '--out-file',
        out,
        '--ncols',
        '4',
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    grid = cv2.imread(str(out))
    # input, prediction and the two gated stages of the tiny model, in one row of 4
    assert grid.shape[:2] == grid_size(4, IMAGE_HW, 4)


def test_model_without_gates_subprocess(tiny, tmp_path):
    out = tmp_path / 'x.png'
    proc = run_tool(TOOL, tiny['image'], tiny['unet_config'], tiny['unet_ckpt'], '--out-file', out)
    assert_one_line_error(proc, 'has no attention gates', 'AttentionUNet config')
    assert not out.exists()


@pytest.mark.parametrize(
    'case, fragments',
    [
        ('no_image', ('image', 'not found')),
        ('corrupt', ('corrupt or truncated',)),
        ('no_ckpt', ('checkpoint', 'does not exist')),
    ],
)
def test_bad_input_gives_one_line_error(tiny, tmp_path, capsys, monkeypatch, case, fragments):
    config, ckpt, image = tiny['attn_config'], tiny['attn_ckpt'], tiny['image']
    if case == 'no_image':
        image = tmp_path / 'missing.png'
    elif case == 'corrupt':
        ckpt = tmp_path / 'corrupt.pth'
        ckpt.write_bytes(b'\x00' * 64)
    else:
        ckpt = tmp_path / 'missing.pth'
    run = run_tool_in_process(
        TOOL,
        image,
        config,
        ckpt,
        '--out-file',
        tmp_path / 'x.png',
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert_one_line_error(run, *fragments)
    assert not (tmp_path / 'x.png').exists()
