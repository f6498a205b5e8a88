"""Bad input ends train.py / test.py with one ``error:`` line, no traceback, no lost checkpoint.

One case runs as a real subprocess; the rest run the scripts in-process
(``runpy``), where an exception the tool lets escape fails the test.
"""

import os
import re
import shutil
import subprocess

import pytest
import torch

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, tiny_options
from tests.helpers.tools import file_hashes, run_tool, run_tool_in_process

UNET_CONFIG = 'configs/unet/unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py'
WIDE_OPTIONS = [
    'model.backbone.base_channels=8',
    'model.decode_head.in_channels=8',
    'model.decode_head.channels=8',
    'model.auxiliary_head.in_channels=16',
]


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
        # With a loadable iter_*.pth beside it, --resume falls back to that one (see below).
        (work_dir / 'iter_2.pth').unlink()
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


@pytest.mark.parametrize('damage', ['truncated-pointer-target', 'no-pointer'])
def test_resume_falls_back_to_the_newest_loadable_checkpoint(
    tool, trained_run, tiny_data, tmp_path, damage
):
    work_dir = tmp_path / 'work'
    shutil.copytree(trained_run, work_dir)
    if damage == 'no-pointer':
        (work_dir / 'last_checkpoint').unlink()
    else:
        bad = work_dir / 'iter_3.pth'
        shutil.copy(work_dir / 'iter_2.pth', bad)
        _damage(bad, 'truncated')
        (work_dir / 'last_checkpoint').write_text(str(bad))
    code, out, err = tool(
        'tools/train.py', MINI_ATTN_CONFIG, '--work-dir', work_dir, '--resume',
        '--cfg-options', *tiny_options(tiny_data, iters=4),
    )  # fmt: skip
    assert code == 0, err[-3000:]
    lines = (out + err).splitlines()
    notes = [line for line in lines if 'resuming from the newest loadable' in line]
    assert len(notes) == 1 and str(work_dir / 'iter_2.pth') in notes[0], out[-3000:]
    resumed = torch.load(work_dir / 'iter_4.pth', map_location='cpu', weights_only=True)
    assert resumed['meta']['iter'] == 4


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


@pytest.mark.parametrize(
    'option, words',
    [
        ('train_cfg.max_iters=abc', ["train_cfg.max_iters='abc'", 'whole number']),
        ('model.backbone.attention_stages=True', ['attention_stages=True', 'list or tuple']),
    ],
)
def test_wrong_type_in_cfg_options(tool, tiny_data, tmp_path, option, words):
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


@pytest.mark.parametrize('script', ['tools/train.py', 'tools/test.py'])
def test_launcher_pytorch_outside_a_launcher(tool, trained_run, tiny_data, tmp_path, monkeypatch,
                                             script):  # fmt: skip
    for name in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(name, raising=False)
    checkpoint = [trained_run / 'iter_2.pth'] if script == 'tools/test.py' else []
    code, _, err = tool(
        script, MINI_ATTN_CONFIG, *checkpoint, '--work-dir', tmp_path, '--launcher', 'pytorch',
        '--cfg-options', *tiny_options(tiny_data),
    )  # fmt: skip
    _assert_one_line_error(code, err, '--launcher pytorch', 'RANK', 'dist_train.sh')


@pytest.fixture()
def read_only_dir(tmp_path):
    """A folder no process may write into: a read-only tmpfs as root, else chmod 555."""
    folder = tmp_path / 'read_only'
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(
        ['mount', '-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip('root without mount rights: cannot make a read-only folder')
    yield folder
    subprocess.run(['umount', str(folder)], check=True)


@pytest.mark.parametrize('script', ['tools/train.py', 'tools/test.py'])
def test_read_only_work_dir(tool, trained_run, tiny_data, read_only_dir, script):
    checkpoint = [trained_run / 'iter_2.pth'] if script == 'tools/test.py' else []
    code, _, err = tool(
        script, MINI_ATTN_CONFIG, *checkpoint, '--work-dir', read_only_dir / 'work',
        '--cfg-options', *tiny_options(tiny_data),
    )  # fmt: skip
    _assert_one_line_error(code, err, 'cannot write', str(read_only_dir), 'writable --work-dir')


@pytest.fixture(scope='module')
def wide_unet_run(tiny_data, tmp_path_factory):
    """Work dir of a 2-iteration UNet run with 8 base channels (the AttentionUNet has 4)."""
    work_dir = tmp_path_factory.mktemp('wide_unet')
    result = run_tool(
        'tools/train.py', UNET_CONFIG, '--work-dir', work_dir,
        '--cfg-options', *tiny_options(tiny_data), *WIDE_OPTIONS,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return work_dir


@pytest.mark.parametrize('mode', ['test', 'resume', 'load_from'])
def test_checkpoint_of_another_model_is_refused(tool, wide_unet_run, tiny_data, tmp_path, mode):
    checkpoint = wide_unet_run / 'iter_2.pth'
    work_dir = tmp_path / 'work'
    if mode == 'test':
        args = ['tools/test.py', MINI_ATTN_CONFIG, checkpoint, '--work-dir', work_dir]
    elif mode == 'resume':
        args = ['tools/train.py', MINI_ATTN_CONFIG, '--work-dir', work_dir, '--resume', checkpoint]
    else:
        args = ['tools/train.py', MINI_ATTN_CONFIG, '--work-dir', work_dir]
    extra = [f'load_from={checkpoint}'] if mode == 'load_from' else []
    before = file_hashes(wide_unet_run)
    # 4 iterations: a resume of the 2-iteration checkpoint has something left to train
    options = tiny_options(tiny_data, iters=4)
    code, out, err = tool(*args, '--cfg-options', *options, *extra)
    # Only a resume needs the gates too; test and load_from may leave them fresh.
    gates = ['missing (backbone.attention_gates.'] if mode == 'resume' else []
    _assert_one_line_error(
        code, err, str(checkpoint), 'does not fit the model', 'mis-shaped', *gates,
        'backbone.encoder.0.0.convs.0.conv.weight (8, 3, 3, 3) vs (4, 3, 3, 3)',
    )  # fmt: skip
    assert not re.search(r'mIoU: \d', out), 'no score for a network that was not loaded'
    assert file_hashes(wide_unet_run) == before
