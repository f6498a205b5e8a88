"""``--cfg-options`` are taken as written, and the config a run dumps reproduces its numbers.

A value with a space is kept (mmengine's DictAction squeezes it out: "/data/my set/" was
read as "/data/myset/"). An override of a loader's pipeline reaches ``test_pipeline`` /
``train_pipeline`` too, which ``mmseg.apis.inference_model`` reads: the dumped config
and the checkpoint then give the test loop's logits through every inference path.
"""

import shutil
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from attn_unet.apis import load_segmentor
from tests.helpers.mini_runs import MINI_ATTN_CONFIG, probe_config, tiny_options
from tests.helpers.tools import assert_one_line_error, run_tool_in_process


@pytest.fixture()
def tool(capsys, monkeypatch):
    def run(*args):
        return run_tool_in_process(*args, capsys=capsys, monkeypatch=monkeypatch)

    return run


def _dumped_config(work_dir, name):
    (path,) = work_dir.glob(f'*/{name}')  # <work_dir>/<timestamp>/<config name>
    return path


def test_data_root_with_a_space_is_read_with_the_space(tool, trained_run, tiny_data, tmp_path):
    spaced = tmp_path / 'my set'
    shutil.copytree(tiny_data, spaced)
    assert not (tmp_path / 'myset').exists()
    options = [o for o in tiny_options(tiny_data) if not o.startswith('test_dataloader.dataset.')]
    work_dir = tmp_path / 'work'
    run = tool(
        'tools/test.py', MINI_ATTN_CONFIG, trained_run / 'iter_2.pth', '--work-dir', work_dir,
        '--cfg-options', *options, f'test_dataloader.dataset.data_root={spaced}/',
        'test_dataloader.dataset.pipeline.1.scale=(128, 64)',  # spaces after commas separate
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    dumped = Config.fromfile(_dumped_config(work_dir, Path(MINI_ATTN_CONFIG).name))
    assert dumped.test_dataloader.dataset.data_root == f'{spaced}/'
    assert tuple(dumped.test_dataloader.dataset.pipeline[1].scale) == (128, 64)


def test_value_split_by_the_shell_is_refused_in_one_line(tool, tiny_data, tmp_path):
    run = tool('tools/train.py', MINI_ATTN_CONFIG, '--work-dir', tmp_path / 'work',
               '--cfg-options', 'train_dataloader.dataset.data_root=/data/my', 'set/')  # fmt: skip
    assert_one_line_error(run, "'set/' is not KEY=VALUE", 'data_root=/data/my', 'quote')
    assert not (tmp_path / 'work').exists()


def test_dumped_config_and_checkpoint_reproduce_the_test_logits(tool, trained_run, tiny_data,
                                                                tmp_path):  # fmt: skip
    from mmseg.apis import inference_model, init_model

    # tiny_options test at scale (128, 64): the 64x128 images as they are; the config's
    # test_pipeline says (256, 128), twice that.
    config = probe_config(tmp_path, ['LogitsRecordProbeHook'])
    checkpoint = trained_run / 'iter_2.pth'
    work_dir = tmp_path / 'work'
    run = tool('tools/test.py', config, checkpoint, '--work-dir', work_dir,
               '--cfg-options', *tiny_options(tiny_data))  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    test_logits = torch.load(work_dir / 'test_logits.pth', weights_only=True)
    assert len(test_logits) == 2
    dumped = str(_dumped_config(work_dir, config.name))

    models = {
        'mmseg init_model': init_model(dumped, str(checkpoint), device='cpu'),
        'load_segmentor (image_demo, attention tools)': load_segmentor(dumped, str(checkpoint)),
    }
    for path_name, model in models.items():
        for image, expected in test_logits.items():
            logits = inference_model(model, image).seg_logits.data
            assert logits.shape == expected.shape, path_name
            torch.testing.assert_close(logits, expected, msg=f'{path_name}: {image}')
