"""Bad data ends check_dataset.py, train.py and test.py in one line naming the file.

Each case corrupts a private copy of the tiny converted mini Cityscapes. Two
cases run the real scripts as subprocesses; the rest run them in-process
(``runpy``), where an exception the tool lets escape fails the test.
"""

import shutil

import cv2
import numpy as np
import pytest

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, tiny_options
from tests.helpers.tools import file_hashes, run_tool, run_tool_in_process

CHECK = 'tools/misc/check_dataset.py'
S5_CONFIG = 'configs/attn_unet/attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py'


def _assert_one_line_error(code, stderr, *words):
    assert code == 2, stderr[-3000:]
    assert 'Traceback' not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith('error: ')]
    assert len(errors) == 1, stderr[-3000:]
    for word in words:
        assert word in errors[0], errors[0]


@pytest.fixture()
def tool(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv('ATTN_UNET_CACHE_DIR', str(tmp_path / 'cache'))

    def run(*args):
        return run_tool_in_process(*args, capsys=capsys, monkeypatch=monkeypatch)

    return run


@pytest.fixture()
def data(tiny_data, tmp_path):
    root = tmp_path / 'data'
    shutil.copytree(tiny_data, root)
    return root


def _label(root, split, index):
    return sorted((root / 'gtFine' / split).rglob('*_labelTrainIds.png'))[index]


def _image(root, split, index):
    return sorted((root / 'leftImg8bit' / split).rglob('*_leftImg8bit.png'))[index]


def _truncate(path):
    path.write_bytes(path.read_bytes()[:200])
    return path


def _paint_40(path):
    label = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    label[10:20, 10:20] = 40
    cv2.imwrite(str(path), label)
    return path


def _truncated_label(root):
    return _truncate(_label(root, 'train', 1)), 'does not decode'


def _truncated_val_image(root):
    return _truncate(_image(root, 'val', 0)), 'does not decode'


def _resized_label(root):
    path = _label(root, 'train', 2)
    cv2.imwrite(str(path), cv2.imread(str(path), cv2.IMREAD_UNCHANGED)[:, :100])
    return path, 'is 64x100 but its image'


def _train_id_40(root):
    return _paint_40(_label(root, 'train', 0)), 'ids 40 outside the 19 classes'


def _deleted_image(root):
    _image(root, 'train', 3).unlink()
    return _label(root, 'train', 3), 'has no image'


def _color_label(root):
    path = _label(root, 'val', 1)
    cv2.imwrite(str(path), np.dstack([cv2.imread(str(path), cv2.IMREAD_UNCHANGED)] * 3))
    return path, 'has 3 channels'


@pytest.mark.parametrize(
    'corrupt',
    [_truncated_label, _truncated_val_image, _resized_label, _train_id_40, _deleted_image],
)
def test_train_refuses_bad_data(tool, data, tmp_path, corrupt):
    bad, words = corrupt(data)
    work_dir = tmp_path / 'work'
    code, _, err = tool(
        'tools/train.py', MINI_ATTN_CONFIG, '--work-dir', work_dir, '--cfg-options',
        *tiny_options(data),
    )  # fmt: skip
    _assert_one_line_error(code, err, str(bad), words)
    assert not list(work_dir.rglob('*.pth'))


def test_train_subprocess_truncated_image(data, tmp_path):
    bad = _truncate(_image(data, 'train', 0))
    result = run_tool(
        'tools/train.py', MINI_ATTN_CONFIG, '--work-dir', tmp_path / 'work', '--cfg-options',
        *tiny_options(data), env={'ATTN_UNET_CACHE_DIR': str(tmp_path / 'cache')},
    )  # fmt: skip
    _assert_one_line_error(result.returncode, result.stderr, str(bad), 'does not decode')


def test_test_subprocess_val_label_id_40(trained_run, data, tmp_path):
    """Today test.py drops the id-40 pixels from the confusion counts and exits 0."""
    bad = _paint_40(_label(data, 'val', 0))
    work_dir = tmp_path / 'work'
    shutil.copytree(trained_run, work_dir)
    before = file_hashes(work_dir)
    result = run_tool(
        'tools/test.py', MINI_ATTN_CONFIG, work_dir / 'iter_2.pth', '--work-dir', work_dir,
        '--cfg-options', *tiny_options(data),
        env={'ATTN_UNET_CACHE_DIR': str(tmp_path / 'cache')},
    )  # fmt: skip
    _assert_one_line_error(result.returncode, result.stderr, str(bad), 'ids 40', 'test data')
    assert 'metrics written to' not in result.stdout
    after = file_hashes(work_dir)
    # Every file is as it was; the refused run may leave only its own log folder.
    assert {path: after.get(path) for path in before} == before
    assert not [p for p in set(after) - set(before) if p.endswith(('.pth', 'last_checkpoint'))]


@pytest.mark.parametrize('corrupt', [_color_label, _truncated_val_image])
def test_test_refuses_bad_val_data(tool, trained_run, data, tmp_path, corrupt):
    bad, words = corrupt(data)
    code, out, err = tool(
        'tools/test.py', MINI_ATTN_CONFIG, trained_run / 'iter_2.pth', '--work-dir', tmp_path,
        '--cfg-options', *tiny_options(data),
    )  # fmt: skip
    _assert_one_line_error(code, err, str(bad), words)
    assert 'metrics written to' not in out


def test_check_dataset_summary_and_cache(tool, data):
    options = ['--cfg-options', *tiny_options(data)]
    code, out, err = tool(CHECK, MINI_ATTN_CONFIG, *options)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith('train: CityscapesDataset') and '4 images, 4 labels' in lines[0]
    assert lines[1].startswith('val: CityscapesDataset') and '2 images, 2 labels' in lines[1]
    assert 'files read 8, cache hits 0' in lines[0]
    assert lines[-1] == 'data OK: 6 images in 2 datasets'

    code, out, _ = tool(CHECK, MINI_ATTN_CONFIG, *options)
    assert code == 0
    assert 'files read 0, cache hits 8' in out and 'files read 0, cache hits 4' in out


def test_check_dataset_test_mode_and_disabled_config(tool, data):
    _truncated_val_image(data)
    options = ['--cfg-options', *tiny_options(data), 'data_check.enabled=False']
    code, out, err = tool(CHECK, MINI_ATTN_CONFIG, '--mode', 'test', *options)
    _assert_one_line_error(code, err, 'test data', 'does not decode')
    assert out.startswith('test: CityscapesDataset')


def test_check_dataset_lists_every_bad_file(tool, data):
    bad = [_train_id_40(data)[0], _resized_label(data)[0], _color_label(data)[0]]
    code, out, err = tool(CHECK, MINI_ATTN_CONFIG, '--list', '--cfg-options', *tiny_options(data))
    _assert_one_line_error(code, err, str(bad[0]), '2 more bad files')
    listed = [line for line in out.splitlines() if line.startswith('bad ')]
    assert [line.split()[3] for line in listed] == [str(path) for path in bad]


@pytest.mark.parametrize(
    'config, option, words',
    [
        (
            MINI_ATTN_CONFIG,
            'model.backbone.num_stages=5',
            ['num_stages=5 needs 5 entries', 'strides has 4', 'downsamples has 3'],
        ),
        (S5_CONFIG, 'model.backbone.num_stages=4', ['num_stages=4', 'strides has 5']),
        (MINI_ATTN_CONFIG, 'model.backbone.num_stages=1', ['integer >= 2']),
    ],
)
def test_num_stages_that_does_not_fit_the_tuples(tool, tiny_data, tmp_path, config, option, words):
    code, _, err = tool(
        'tools/train.py', config, '--work-dir', tmp_path, '--cfg-options',
        *tiny_options(tiny_data), option,
    )  # fmt: skip
    _assert_one_line_error(code, err, 'model.backbone.', *words)


@pytest.mark.parametrize('workers', [0, 1])
def test_train_guard_names_a_label_changed_after_the_check(tool, data, tmp_path, workers):
    """With the file check off, the pipeline's guard still names the label (else: a loss crash).

    With a worker the check runs in that worker, and its error still ends in one line.
    """
    path = _label(data, 'train', 1)
    cv2.imwrite(str(path), np.full_like(cv2.imread(str(path), cv2.IMREAD_UNCHANGED), 40))
    code, _, err = tool(
        'tools/train.py', MINI_ATTN_CONFIG, '--work-dir', tmp_path / 'work', '--cfg-options',
        *tiny_options(data), 'data_check.enabled=False', f'train_dataloader.num_workers={workers}',
    )  # fmt: skip
    _assert_one_line_error(code, err, str(path), 'ids 40', 'as the pipeline makes it')
    assert 'DataLoader worker' not in err


def test_test_guard_names_a_label_changed_after_the_check(tool, trained_run, data, tmp_path):
    """With the file check off, test.py still refuses to score id-40 labels (today: exit 0)."""
    bad = _paint_40(_label(data, 'val', 1))
    code, out, err = tool(
        'tools/test.py', MINI_ATTN_CONFIG, trained_run / 'iter_2.pth', '--work-dir', tmp_path,
        '--cfg-options', *tiny_options(data), 'data_check.enabled=False',
    )  # fmt: skip
    _assert_one_line_error(code, err, str(bad), 'ids 40')
    assert 'metrics written to' not in out
