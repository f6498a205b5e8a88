"""Fixtures for the whole suite."""

import os

import pytest
from mmengine.logging import MMLogger


@pytest.fixture(autouse=True, scope='session')
def _data_check_cache(tmp_path_factory):
    """Keep the data check's cache (and the tools the tests start) out of ~/.cache."""
    os.environ.setdefault('ATTN_UNET_CACHE_DIR', str(tmp_path_factory.mktemp('data_check')))


@pytest.fixture(autouse=True)
def _fresh_mmengine_loggers():
    """Drop mmengine's loggers after each test.

    A logger made while pytest captured output keeps writing to that capture
    stream after it is closed, and the next test's log lines then end in
    logging's own error report instead of on its stderr.
    """
    yield
    MMLogger._instance_dict.clear()


@pytest.fixture(scope='session')
def tiny(tmp_path_factory):
    """Tiny AttentionUNet/UNet configs, checkpoints, an image and a fake Cityscapes val set."""
    from tests.test_tools_analysis.tiny_setup import (
        write_checkpoint,
        write_cityscapes,
        write_image,
        write_tiny_config,
    )

    root = tmp_path_factory.mktemp('tiny')
    data_root = str(root / 'cityscapes')
    files = dict(
        root=root,
        data_root=data_root,
        labels=write_cityscapes(data_root),
        image=write_image(str(root / 'demo.png')),
    )
    for kind, attention in (('attn', True), ('unet', False)):
        config = write_tiny_config(str(root), attention, data_root)
        files[f'{kind}_config'] = config
        files[f'{kind}_ckpt'] = write_checkpoint(config, str(root / f'{kind}.pth'))
    return files
