"""Bad input ends train.py / test.py with one ``error:`` line, no traceback, no lost checkpoint.

One case runs as a real subprocess; the rest run the scripts in-process
(``runpy``), where an exception the tool lets escape fails the test.
"""

import shutil

import pytest

from .conftest import MINI_ATTN_CONFIG, file_hashes, run_tool, run_tool_in_process, tiny_options


def _assert_one_line_error(code, stderr, *words):
    assert code == 2, stderr[-3000:]
    assert 'Traceback' not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith('error: ')]
    assert len(errors) == 1, stderr[-3000:]
    for word in words:
        assert word in errors[0], errors[0]


@pytest.fixture()
def tool(capsys, monkeypatch):
    def run(*args):
        return run_tool_in_process(*args, capsys=capsys, monkeypatch=monkeypatch)

    return run


@pytest.fixture()
def half_converted(tiny_data, tmp_path):
    root = tmp_path / 'half'
    shutil.copytree(tiny_data, root)
    for path in sorted(root.rglob('*_labelTrainIds.png'))[::2]:
        path.unlink()
    return root


def test_missing_data_root_subprocess(tmp_path):
    result = run_tool(
        'tools/train.py',
        MINI_ATTN_CONFIG,
        '--work-dir',
        tmp_path,
        '--cfg-options',
        *tiny_options(tmp_path / 'nowhere'),
    )
    _assert_one_line_error(result.returncode, result.stderr, 'nowhere')


def test_half_converted_dataset(tool, half_converted, tmp_path):
    code, _, err = tool(
        'tools/train.py',
        MINI_ATTN_CONFIG,
        '--work-dir',
        tmp_path,
        '--cfg-options',
        *tiny_options(half_converted),
    )
    _assert_one_line_error(code, err, 'labelTrainIds')


def test_missing_test_data(tool, trained_run, tmp_path):
    code, _, err = tool(
        'tools/test.py',
        MINI_ATTN_CONFIG,
        trained_run / 'iter_2.pth',
        '--work-dir',
        tmp_path,
        '--cfg-options',
        *tiny_options(tmp_path / 'gone'),
    )
    _assert_one_line_error(code, err, 'gone')


@pytest.mark.parametrize(
    'option, words',
    [
        ('train_dataloader.dataset.pipeline.3.crop_size=(60,128)', ['60x128', 'downsample rate 8']),
        ('test_dataloader.dataset.pipeline.1.scale=(130,64)', ['64x130', 'downsample rate 8']),
        ('model.backbone.base_channel=4', ["'base_channel'"]),
        ('model.decode_head.chanels=4', ["'chanels'"]),
        ('train_cfgg.max_iters=2', ["'train_cfgg'", "did you mean 'train_cfg'"]),
    ],
)
def test_bad_config(tool, tiny_data, tmp_path, option, words):
    code, _, err = tool(
        'tools/train.py',
        MINI_ATTN_CONFIG,
        '--work-dir',
        tmp_path,
        '--cfg-options',
        *tiny_options(tiny_data),
        option,
    )
    _assert_one_line_error(code, err, *words)


def _damage(path, how):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if how == 'truncated' else b'\x00garbage' * 64)


@pytest.mark.parametrize('how', ['corrupt', 'truncated'])
@pytest.mark.parametrize('mode', ['test', 'resume', 'resume-auto'])
def test_damaged_checkpoint(tool, trained_run, tiny_data, tmp_path, how, mode):
    work_dir = tmp_path / 'work'
    shutil.copytree(trained_run, work_dir)
    bad = work_dir / f'{how}.pth'
    shutil.copy(work_dir / 'iter_2.pth', bad)
    _damage(bad, how)
    if mode == 'resume-auto':
        (work_dir / 'last_checkpoint').write_text(str(bad))
    before = file_hashes(work_dir)

    if mode == 'test':
        args = ['tools/test.py', MINI_ATTN_CONFIG, bad, '--work-dir', work_dir]
    else:
        resume = ['--resume', bad] if mode == 'resume' else ['--resume']
        args = ['tools/train.py', MINI_ATTN_CONFIG, '--work-dir', work_dir, *resume]
    code, _, err = tool(*args, '--cfg-options', *tiny_options(tiny_data))

    _assert_one_line_error(code, err, str(bad), 'corrupt or truncated')
    after = file_hashes(work_dir)
    assert {k: v for k, v in after.items() if k in before} == before


def test_missing_checkpoint(tool, tiny_data, tmp_path):
    code, _, err = tool(
        'tools/test.py',
        MINI_ATTN_CONFIG,
        tmp_path / 'none.pth',
        '--work-dir',
        tmp_path,
        '--cfg-options',
        *tiny_options(tiny_data),
    )
    _assert_one_line_error(code, err, 'none.pth', 'does not exist')
