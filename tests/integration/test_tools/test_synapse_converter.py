"""The Synapse converter and phantom generator tools from the command line."""

import pytest

from tests.helpers.tools import assert_one_line_error, run_tool, run_tool_in_process

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


def test_context_3_then_the_twin_config_checks_its_tiff_slices(raw, tmp_path, capsys, monkeypatch):
    out = tmp_path / 'k3'
    code, stdout, err = run_tool_in_process(
        CONVERT, raw, '--save-path', out, '--context', 3, '--no-progress',
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    assert 'wrote 4 train + 4 val slices' in stdout and '3 slice(s) per image' in stdout
    assert sorted(p.suffix for p in (out / 'img_dir/val').iterdir()) == ['.tiff'] * 4
    twin = 'configs/unet/unet-s4-d8_fused-dsv_1xb8-1k_synapse-2.5d-k3-phantom-160x160.py'
    options = [f'{split}_dataloader.dataset.data_root={out}' for split in ('train', 'val')]
    check = run_tool('tools/misc/check_dataset.py', twin, '--cfg-options', *options)
    assert check.returncode == 0, check.stderr[-2000:]
    assert 'data OK: 8 images in 2 datasets' in check.stdout
    flat = 'configs/unet/unet-s4-d8_fused-dsv_1xb8-1k_synapse-phantom-160x160.py'
    refused = run_tool('tools/misc/check_dataset.py', flat, '--cfg-options', *options)
    assert_one_line_error(refused, 'holds 3-slice inputs', 'the config reads img_suffix .jpg')


@pytest.mark.parametrize(
    'args, needle',
    [
        (['--context', 2], 'context must be an odd whole number >= 1, got 2'),
        (['--slice-gap', 0], 'slice_gap must be a whole number >= 1, got 0'),
    ],
)
def test_bad_context_exits_2_with_one_line(raw, tmp_path, capsys, monkeypatch, args, needle):
    code, out, err = run_tool_in_process(
        CONVERT, raw, '--save-path', tmp_path / 'out', *args, capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 2 and err.count('\n') == 1 and needle in err
    assert not (tmp_path / 'out').exists()
