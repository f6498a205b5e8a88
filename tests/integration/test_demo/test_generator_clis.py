"""The demo's data generators from the command line: they write, and bad sizes are one line."""

from tests.helpers.tools import run_tool

GENERATE = 'demo/generate_mini_cityscapes.py'


def test_mini_cityscapes_generator_writes_and_refuses_a_bad_size(tmp_path):
    size = ('--height', 32, '--width', 64)
    written = run_tool(GENERATE, tmp_path / 'm', '--num-train', 1, '--num-val', 1, *size)
    assert written.returncode == 0, written.stderr
    assert len(list((tmp_path / 'm').rglob('*_leftImg8bit.png'))) == 2
    refused = run_tool(GENERATE, tmp_path / 'n', '--height', 4)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        'error: image size must be at least 16x16, got 4x512'
    ]
    assert not (tmp_path / 'n').exists()
