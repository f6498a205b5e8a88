"""Writable copies of the mini Cityscapes and plain datasets, and ways to spoil their files."""

import shutil

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from tests.helpers.tools import REPO

MINI_CONFIG = REPO / 'configs/attn_unet/attn-unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py'
LABEL = '_gtFine_labelTrainIds.png'
IMAGE = '_leftImg8bit.png'


@pytest.fixture
def data(converted_root, tmp_path):
    """A private copy of the converted mini set (4 train, 2 val images of 64x128)."""
    root = tmp_path / 'cityscapes'
    shutil.copytree(converted_root, root)
    return root


def mini_cfg(root, tmp_path, **data_check):
    """The mini Cityscapes config on ``root``, its cache under ``tmp_path``."""
    cfg = Config.fromfile(str(MINI_CONFIG))
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = str(root)
    cfg.data_check = dict(cache_dir=str(tmp_path / 'cache'), **data_check)
    return cfg


def files(root, split, suffix):
    """The images (``IMAGE``) or labels (``LABEL``) of ``split``, sorted."""
    return sorted(
        (root / ('gtFine' if suffix == LABEL else 'leftImg8bit') / split).rglob(f'*{suffix}')
    )


def label(root, split='val', index=0):
    return files(root, split, LABEL)[index]


def paint(path, value, dtype=np.uint8):
    """Write ``value`` into a 4x4 patch of the label at ``path``, saved as ``dtype``."""
    array = cv2.imread(str(path), cv2.IMREAD_UNCHANGED).astype(dtype)
    array[2:6, 2:6] = value
    cv2.imwrite(str(path), array)


def truncate(path):
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


def truncated_image(root):
    path = files(root, 'train', IMAGE)[1]
    truncate(path)
    return path


def resized_label(root):
    path = label(root, 'train', 0)
    cv2.imwrite(str(path), cv2.imread(str(path), cv2.IMREAD_UNCHANGED)[:32])
    return path


def id_40_val(root):
    path = label(root, 'val', 0)
    paint(path, 40)
    return path


def generic_set(root, names=('a', 'b', 'c'), size=(16, 24)):
    """A plain BaseSegDataset folder: img_dir/x.jpg + ann_dir/x.png, 3 classes."""
    for name in names:
        (root / 'img_dir').mkdir(parents=True, exist_ok=True)
        (root / 'ann_dir').mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(root / 'img_dir' / f'{name}.jpg'), np.full((*size, 3), 128, np.uint8))
        cv2.imwrite(str(root / 'ann_dir' / f'{name}.png'), np.full(size, 2, np.uint8))
    return dict(
        type='BaseSegDataset',
        data_root=str(root),
        data_prefix=dict(img_path='img_dir', seg_map_path='ann_dir'),
        metainfo=dict(classes=('x', 'y', 'z')),
        pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')],
    )


def cache_options(tmp_path):
    """``data_check`` options with the cache under ``tmp_path``."""
    return dict(cache_dir=str(tmp_path / 'cache'))
