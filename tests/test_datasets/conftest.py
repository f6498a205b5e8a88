import shutil

import pytest

from attn_unet.datasets.cityscapes_convert import convert_cityscapes
from attn_unet.datasets.synthetic import generate_mini_cityscapes

NUM_TRAIN, NUM_VAL, HEIGHT, WIDTH = 4, 2, 64, 128


@pytest.fixture(scope='session')
def mini_root(tmp_path_factory):
    """A generated, unconverted mini Cityscapes; read-only for tests."""
    root = tmp_path_factory.mktemp('mini') / 'cityscapes'
    return generate_mini_cityscapes(root, NUM_TRAIN, NUM_VAL, HEIGHT, WIDTH, seed=3)


@pytest.fixture(scope='session')
def converted_root(mini_root, tmp_path_factory):
    """The mini set after conversion to train ids; read-only for tests."""
    root = tmp_path_factory.mktemp('converted') / 'cityscapes'
    shutil.copytree(mini_root, root)
    convert_cityscapes(root)
    return root


@pytest.fixture
def mini_copy(mini_root, tmp_path):
    """A private, writable copy of the unconverted mini set."""
    root = tmp_path / 'cityscapes'
    shutil.copytree(mini_root, root)
    return root
