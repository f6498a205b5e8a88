"""Fixtures of the integration tests: a tiny converted mini Cityscapes and a trained run."""

from pathlib import Path

import pytest

from tests.helpers.mini_runs import train_tiny


@pytest.fixture(scope='session')
def tiny_data(tmp_path_factory) -> Path:
    """4 train / 2 val images of 64x128, converted to trainIds."""
    from attn_unet.datasets.cityscapes_convert import convert_cityscapes
    from demo.synthetic import generate_mini_cityscapes

    root = generate_mini_cityscapes(
        tmp_path_factory.mktemp('data') / 'mini', num_train=4, num_val=2, height=64, width=128
    )
    convert_cityscapes(root)
    return root


@pytest.fixture(scope='session')
def trained_run(tiny_data, tmp_path_factory) -> Path:
    """Work dir of a 2-iteration AttentionUNet run (iter_2.pth, last_checkpoint)."""
    return train_tiny('tools/train.py', tiny_data, tmp_path_factory.mktemp('trained'))
