"""The Synapse converter and phantom generator tools from the command line."""

import pytest

from tests.helpers.tools import run_tool_in_process

CONVERT = 'tools/dataset_converters/synapse.py'
GENERATE = 'demo/generate_synapse_phantom.py'


@pytest.fixture(scope='module')
def raw(tmp_path_factory):
    """A tiny raw phantom written by the generator tool's library call."""
    from demo.synthetic import generate_ct_phantom

    return generate_ct_phantom(tmp_path_factory.mktemp('raw'), 1, 1, 4, (48, 48), progress=False)


def test_generate_then_convert(tmp_path, capsys, monkeypatch):
    raw = tmp_path / 'raw'
    args = (raw, '--num-train', 1, '--num-val', 1, '--slices', 3, '--size', '48x64', '--seed', 2)
    code, out, err = run_tool_in_process(GENERATE, *args, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    assert 'wrote 1 train + 1 val phantom cases' in out
    code, out, err = run_tool_in_process(
        CONVERT, raw, '--save-path', tmp_path / 'out', capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 0, err
    assert 'wrote 3 train + 3 val slices' in out
    assert sorted(p.name for p in (tmp_path / 'out/img_dir/val').iterdir())[-1] == (
        'case0001_slice002.jpg'
    )


def test_mmseg_argument_name(raw, tmp_path, capsys, monkeypatch):
    code, out, err = run_tool_in_process(
        CONVERT,
        '--dataset-path',
        raw,
        '--save-path',
        tmp_path,
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    assert 'wrote 4 train + 4 val slices' in out


@pytest.mark.parametrize(
    'script, args, needle',
    [
        (CONVERT, ['{tmp}/absent'], "raw Synapse folder '{tmp}/absent' not found"),
        (CONVERT, [], 'no raw Synapse folder given'),
        (CONVERT, ['{raw}/img'], "no 'img/' folder in {raw}/img"),
        (GENERATE, ['{tmp}/g', '--size', '64'], '--size must be HxW'),
        (GENERATE, ['{tmp}/g', '--num-val', '0'], 'need at least 1 train and 1 val case'),
    ],
)
def test_bad_input_exits_2_with_one_line(raw, tmp_path, capsys, monkeypatch, script, args, needle):
    args = [a.format(tmp=tmp_path, raw=raw) for a in args]
    code, out, err = run_tool_in_process(script, *args, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2
    assert err.count('\n') == 1 and err.startswith('error: ')
    assert needle.format(tmp=tmp_path, raw=raw) in err
