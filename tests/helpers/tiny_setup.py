"""Tiny configs, checkpoints and a fake Cityscapes folder for the tool tests.

Configs inherit the real ones and shrink them the way ``--cfg-options`` would:
3 stages of 4 channels, BN, a 2-image test batch resized to fit 32x64 and
padded to a multiple of 4.
"""

import os.path as osp

import numpy as np
import pytest
import torch
from PIL import Image

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ATTN_CONFIG = osp.join(
    REPO, 'configs/attn_unet/attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py'
)
UNET_CONFIG = osp.join(REPO, 'configs/unet/unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py')
NUM_CLASSES = 19
IMAGE_HW = (48, 80)  # resized to 32x53, padded to 32x56: exercises the metainfo mapping
IMAGE_STEMS = ('city_000000_000001', 'city_000000_000002', 'city_000000_000003')

_TINY = """_base_ = {base!r}
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    data_preprocessor=dict(size=(32, 64), test_cfg=dict(size_divisor=4)),
    backbone=dict(base_channels=4, num_stages=3, strides=(1, 1, 1), enc_num_convs=(2, 2, 2),
                  dec_num_convs=(2, 2), downsamples=(True, True), enc_dilations=(1, 1, 1),
                  dec_dilations=(1, 1), norm_cfg=norm_cfg{gates}),
    decode_head=dict(in_channels=4, in_index=2, channels=4, norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=8, in_index=1, channels=4, norm_cfg=norm_cfg))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(64, 32), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
test_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False,
                       dataset=dict(data_root={data_root!r}, pipeline=test_pipeline))
val_dataloader = test_dataloader
"""


def write_tiny_config(folder: str, attention: bool = True, data_root: str = 'data/none') -> str:
    """Write a tiny AttentionUNet (or UNet) config into folder; returns its path."""
    path = osp.join(folder, f'tiny_{"attn" if attention else "unet"}.py')
    text = _TINY.format(
        base=ATTN_CONFIG if attention else UNET_CONFIG,
        data_root=data_root,
        gates=', attention_stages=(True, True)' if attention else '',
    )
    with open(path, 'w') as f:
        f.write(text)
    return path


def write_checkpoint(config: str, path: str) -> str:
    """Save a freshly initialised model of config as an mmengine-style checkpoint."""
    from mmseg.utils import get_classes, get_palette

    from attn_unet.apis import build_segmentor, load_config

    torch.manual_seed(0)
    model = build_segmentor(load_config(config))
    meta = dict(
        dataset_meta=dict(classes=get_classes('cityscapes'), palette=get_palette('cityscapes'))
    )
    torch.save(dict(state_dict=model.state_dict(), meta=meta), path)
    return path


def write_image(path: str, hw: tuple[int, int] = IMAGE_HW, seed: int = 0) -> str:
    """Random RGB PNG of size hw."""
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (*hw, 3), dtype=np.uint8)).save(path)
    return path


def write_cityscapes(root: str, stems=IMAGE_STEMS) -> dict[str, np.ndarray]:
    """Fake Cityscapes val split (mmseg layout); returns {stem: GT train ids (H, W)}."""
    import os

    labels = {}
    for index, stem in enumerate(stems):
        for sub in ('leftImg8bit/val/city', 'gtFine/val/city'):
            os.makedirs(osp.join(root, sub), exist_ok=True)
        write_image(osp.join(root, 'leftImg8bit/val/city', f'{stem}_leftImg8bit.png'), seed=index)
        rng = np.random.default_rng(100 + index)
        label = rng.integers(0, 4, IMAGE_HW, dtype=np.uint8)
        label[:4] = 255  # ignored pixels
        Image.fromarray(label).save(
            osp.join(root, 'gtFine/val/city', f'{stem}_gtFine_labelTrainIds.png')
        )
        labels[stem] = label
    return labels


@pytest.fixture(scope='session')
def tiny(tmp_path_factory):
    """Tiny AttentionUNet/UNet configs, checkpoints, an image and a fake Cityscapes val set."""
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
