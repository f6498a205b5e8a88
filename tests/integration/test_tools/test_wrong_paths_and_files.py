"""Paths of the wrong kind and files that are not checkpoints end in one line, nothing written.

The tools run in this process (``runpy``): an exception they let escape fails the test.
"""

import re

import pytest
import torch

from attn_unet.apis import build_segmentor, load_config
from tests.helpers.mini_runs import MINI_ATTN_CONFIG, tiny_options
from tests.helpers.tools import REPO, assert_one_line_error, run_tool_in_process

TINY_MODEL = {
    'model.backbone.base_channels': 4,
    'model.decode_head.in_channels': 4,
    'model.decode_head.channels': 4,
    'model.auxiliary_head.in_channels': 8,
    'model.auxiliary_head.channels': 4,
}


@pytest.fixture()
def tool(capsys, monkeypatch):
    def run(*args):
        return run_tool_in_process(*args, capsys=capsys, monkeypatch=monkeypatch)

    return run


@pytest.fixture()
def a_file(tmp_path):
    path = tmp_path / 'notes.txt'
    path.write_text('not a folder')
    return path


def _test_args(checkpoint, work_dir, *extra):
    return ['tools/test.py', MINI_ATTN_CONFIG, checkpoint, '--work-dir', work_dir, *extra]


@pytest.mark.parametrize('script', ['tools/train.py', 'tools/test.py'])
def test_work_dir_that_is_a_file(tool, trained_run, tiny_data, a_file, script):
    checkpoint = [trained_run / 'iter_2.pth'] if script == 'tools/test.py' else []
    run = tool(script, MINI_ATTN_CONFIG, *checkpoint, '--work-dir', a_file,
               '--cfg-options', *tiny_options(tiny_data))  # fmt: skip
    assert_one_line_error(run, str(a_file), 'is a file, not a folder')
    assert a_file.read_text() == 'not a folder'


def test_work_dir_under_a_file(tool, tiny_data, a_file):
    run = tool('tools/train.py', MINI_ATTN_CONFIG, '--work-dir', a_file / 'work',
               '--cfg-options', *tiny_options(tiny_data))  # fmt: skip
    assert_one_line_error(run, str(a_file / 'work'), f'{a_file} is a file')


@pytest.mark.parametrize(
    'flag, kind, words',
    [
        ('--out', 'file', ['--out', 'is a file, not a folder']),
        ('--out-metrics', 'folder', ['--out-metrics', 'is a folder, not a file', 'metrics.json']),
        ('--show-dir', 'file', ['--show-dir', 'is a file, not a folder']),
    ],
)
def test_test_output_of_the_wrong_kind(tool, trained_run, tiny_data, tmp_path, a_file, flag,
                                       kind, words):  # fmt: skip
    target = a_file if kind == 'file' else tmp_path / 'a_folder'
    target.mkdir(exist_ok=True) if kind == 'folder' else None
    work_dir = tmp_path / 'work'
    run = tool(*_test_args(trained_run / 'iter_2.pth', work_dir, flag, target),
               '--cfg-options', *tiny_options(tiny_data))  # fmt: skip
    assert_one_line_error(run, str(target), *words)
    assert not work_dir.exists(), 'refused before the test ran'


@pytest.mark.parametrize('mode', ['test', 'resume'])
def test_checkpoint_that_is_a_folder(tool, trained_run, tiny_data, tmp_path, mode):
    if mode == 'test':
        args = _test_args(trained_run, tmp_path / 'work')
    else:
        args = ['tools/train.py', MINI_ATTN_CONFIG, '--work-dir', tmp_path / 'work',
                '--resume', trained_run]  # fmt: skip
    run = tool(*args, '--cfg-options', *tiny_options(tiny_data))
    assert_one_line_error(run, str(trained_run), 'is a folder', str(trained_run / 'iter_2.pth'))
    assert 'does not exist' not in run.stderr


def test_whole_pickled_model_is_named_as_such(tool, tiny_data, tmp_path):
    cfg = load_config(str(REPO / MINI_ATTN_CONFIG), TINY_MODEL)
    pickled = tmp_path / 'model.pth'
    torch.save(build_segmentor(cfg), pickled)  # the whole module, not its state_dict
    run = tool(*_test_args(pickled, tmp_path / 'work'), '--cfg-options', *tiny_options(tiny_data))
    assert_one_line_error(
        run, str(pickled), 'whole pickled model', 'EncoderDecoder', 'model.state_dict()'
    )
    assert 'corrupt' not in run.stderr and 're-download' not in run.stderr
    assert '\x1b' not in run.stderr, 'no terminal colour codes'


@pytest.mark.parametrize('script', ['tools/test.py', 'tools/train.py'])
def test_checkpoint_with_non_finite_weights_is_refused(tool, trained_run, tiny_data, tmp_path,
                                                       script):  # fmt: skip
    checkpoint = torch.load(trained_run / 'iter_2.pth', map_location='cpu', weights_only=True)
    key = 'backbone.encoder.1.1.convs.0.conv.weight'
    checkpoint['state_dict'][key][0, 0, 0, 0] = float('nan')
    bad = tmp_path / 'diverged.pth'
    torch.save(checkpoint, bad)
    if script == 'tools/test.py':
        args = _test_args(bad, tmp_path / 'work')
    else:
        args = ['tools/train.py', MINI_ATTN_CONFIG, '--work-dir', tmp_path / 'work',
                '--resume', bad]  # fmt: skip
    run = tool(*args, '--cfg-options', *tiny_options(tiny_data, iters=4))
    assert_one_line_error(run, str(bad), 'non-finite weights', f'{key} holds nan')
    assert not re.search(r'mIoU: \d', run.stdout), 'no score for weights that are not numbers'


def _write(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    'make_config, words',
    [
        (lambda tmp: tmp, ['is a folder', 'pass a config file']),
        (lambda tmp: _write(tmp / 'bad.py', 'a = 1\nmodel = dict(\n'), ['syntax error', 'line']),
        (
            lambda tmp: _write(tmp / 'base.py', "_base_ = ['./missing_base.py']\n"),
            ['missing_base.py', 'does not exist', '_base_'],
        ),
        (
            lambda tmp: _write(
                tmp / 'imports.py',
                f"_base_ = ['{REPO / MINI_ATTN_CONFIG}']\n"
                "custom_imports = dict(imports=['no_such_module_x'], allow_failed_imports=False)\n",
            ),
            ['no_such_module_x', 'custom_imports'],
        ),
    ],
)
def test_unreadable_config_through_train_py(tool, tmp_path, make_config, words):
    work_dir = tmp_path / 'work'
    config = make_config(tmp_path)
    run = tool('tools/train.py', config, '--work-dir', work_dir)
    assert_one_line_error(run, str(config), *words)
    assert not work_dir.exists()
