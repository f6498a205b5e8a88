"""mmsegmentation's own tools (as shipped in the wheel, run by ``mim train mmseg``) on our configs.

Everything attn_unet needs (mmcv-lite stand-in, safe checkpoint loading, the
registered backbone and runner) must come from the configs' ``custom_imports``.
"""

import re
from pathlib import Path

import mmseg
import pytest
from mmengine.config import Config

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, tiny_options, train_tiny
from tests.helpers.tools import run_tool, tree_listing

MMSEG_TOOLS = Path(mmseg.__file__).parent / '.mim' / 'tools'


@pytest.fixture(scope='module')
def mmseg_trained(tiny_data, tmp_path_factory) -> Path:
    """Work dir of a 2-iteration run by mmseg's own tools/train.py."""
    if not (MMSEG_TOOLS / 'train.py').exists():
        pytest.skip('this mmsegmentation install ships no tools')
    return train_tiny(MMSEG_TOOLS / 'train.py', tiny_data, tmp_path_factory.mktemp('mmseg_train'))


def test_mmseg_train_uses_our_runner_and_backbone(mmseg_trained):
    log = next(mmseg_trained.rglob('*.log')).read_text()
    assert 'AttentionUNet' in log
    assert (mmseg_trained / 'iter_2.pth').is_file()
    assert (mmseg_trained / 'last_checkpoint').read_text().strip().endswith('iter_2.pth')


def test_mmseg_train_dumps_one_pipeline_per_split(mmseg_trained):
    # mmseg's train.py merged tiny_options' loader overrides itself: the runner reconciles.
    dumped = Config.fromfile(mmseg_trained / Path(MINI_ATTN_CONFIG).name)
    assert dumped.test_pipeline == dumped.test_dataloader.dataset.pipeline
    assert tuple(dumped.test_pipeline[1].scale) == (128, 64)
    assert dumped.train_pipeline == dumped.train_dataloader.dataset.pipeline
    assert tuple(dumped.train_pipeline[3].crop_size) == (64, 128)


def test_mmseg_train_over_a_finished_run_is_refused(mmseg_trained, tiny_data):
    before = tree_listing(mmseg_trained)
    result = run_tool(MMSEG_TOOLS / 'train.py', MINI_ATTN_CONFIG, '--work-dir', mmseg_trained,
                      '--cfg-options', *tiny_options(tiny_data))  # fmt: skip
    assert result.returncode != 0
    assert 'holds the checkpoints of an earlier run' in result.stderr, result.stderr[-3000:]
    assert tree_listing(mmseg_trained) == before


def test_mmseg_test_evaluates_our_checkpoint(mmseg_trained, tiny_data, tmp_path):
    result = run_tool(
        MMSEG_TOOLS / 'test.py',
        MINI_ATTN_CONFIG,
        mmseg_trained / 'iter_2.pth',
        '--work-dir',
        tmp_path,
        '--cfg-options',
        *tiny_options(tiny_data),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    miou = re.search(r'mIoU: (\d+\.\d+)', result.stdout + result.stderr)
    assert miou is not None and 0.0 <= float(miou.group(1)) <= 100.0
