"""Tiny multi-scale backbones and batches for the deep-supervision head specs."""

import torch
from mmengine.config import ConfigDict
from mmengine.structures import PixelData

import attn_unet  # noqa: F401

# isort: split
from mmseg.structures import SegDataSample

from tests.helpers.tiny_backbones import TINY3_UNET

# 3 stages of 4-16 channels: outputs (coarse to fine) 16 @ H/4, 8 @ H/2, 4 @ H
TINY_BACKBONE = dict(TINY3_UNET, in_channels=3, norm_cfg=dict(type='BN'))
NUM_CLASSES = 3


def segmentor_cfg(backbone_type: str, head: dict, size: int = 32) -> ConfigDict:
    """EncoderDecoder with a tiny backbone of ``backbone_type`` and ``head``."""
    return ConfigDict(
        type='EncoderDecoder',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[0, 0, 0],
            std=[255, 255, 255],
            size=(size, size),
            pad_val=0,
            seg_pad_val=255,
        ),
        backbone=dict(type=backbone_type, **TINY_BACKBONE),
        decode_head=head,
        train_cfg=dict(),
        test_cfg=dict(mode='whole'),
    )


def seg_batch(num: int, size: int) -> dict:
    samples = []
    for _ in range(num):
        sample = SegDataSample(
            gt_sem_seg=PixelData(data=torch.randint(0, NUM_CLASSES, (1, size, size)))
        )
        sample.set_metainfo(dict(img_shape=(size, size), ori_shape=(size, size)))
        samples.append(sample)
    inputs = [torch.randint(0, 256, (3, size, size), dtype=torch.uint8) for _ in range(num)]
    return dict(inputs=inputs, data_samples=samples)
