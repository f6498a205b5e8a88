"""Preflight checks: downsample rate, input sizes, cfg-option keys, checkpoints."""

import pytest
import torch
from mmengine.config import Config

from attn_unet.engine import (
    CheckpointError,
    ConfigKeyError,
    InputSizeError,
    backbone_downsample_rate,
    check_cfg_option_keys,
    check_checkpoint,
    check_input_sizes,
)


@pytest.mark.parametrize(
    'backbone, rate',
    [
        (dict(type='UNet'), 16),
        (
            dict(
                type='AttentionUNet',
                num_stages=4,
                strides=(1, 1, 1, 1),
                downsamples=(True, True, True),
            ),
            8,
        ),
        (
            dict(type='UNet', num_stages=4, strides=(1, 2, 1, 1), downsamples=(False, True, False)),
            4,
        ),
        (dict(type='AttentionUNet', num_stages=5), 16),
        (dict(type='AttentionUNet', num_stages=3, strides=(1, 1, 1), downsamples=(True, True)), 4),
        (
            dict(
                type='AttentionUNet',
                num_stages=4,
                strides=(1, 2, 1, 1),
                downsamples=(False, False, True),
            ),
            4,
        ),
        (dict(type='ResNetV1c'), 1),
    ],
)
def test_backbone_downsample_rate(backbone, rate):
    assert backbone_downsample_rate(dict(backbone=backbone)) == rate


def _cfg(crop, scale=(512, 256)):
    return Config(
        dict(
            model=dict(backbone=dict(type='UNet'), data_preprocessor=dict(size=crop)),
            train_dataloader=dict(dataset=dict(pipeline=[dict(type='RandomCrop', crop_size=crop)])),
            test_dataloader=dict(dataset=dict(pipeline=[dict(type='Resize', scale=scale)])),
        )
    )


def test_input_sizes_accepts_multiples():
    check_input_sizes(_cfg((128, 256)))


@pytest.mark.parametrize(
    'crop, scale, words',
    [
        ((100, 256), (512, 256), ['100x256', 'rate 16', '96x256']),
        ((128, 256), (500, 256), ['test Resize scale 256x500', 'rate 16']),
    ],
)
def test_input_sizes_refuses(crop, scale, words):
    with pytest.raises(InputSizeError) as info:
        check_input_sizes(_cfg(crop, scale))
    for word in words:
        assert word in str(info.value)


def test_slide_test_checks_the_window_not_the_image():
    cfg = _cfg((64, 64), scale=(565, 584))  # DRIVE: 584x565 is not a multiple of 16
    cfg.model.test_cfg = dict(mode='slide', crop_size=(64, 64), stride=(42, 42))
    check_input_sizes(cfg)
    cfg.model.test_cfg.crop_size = (60, 60)
    with pytest.raises(InputSizeError, match='crop_size \\(slide\\) 60x60'):
        check_input_sizes(cfg)


def test_train_crop_inside_a_repeat_dataset_is_checked():
    cfg = _cfg((128, 256))
    cfg.train_dataloader.dataset = dict(
        type='RepeatDataset', dataset=dict(pipeline=[dict(type='RandomCrop', crop_size=(60, 64))])
    )
    with pytest.raises(InputSizeError, match='train crop_size \\(RandomCrop\\) 60x64'):
        check_input_sizes(cfg)


def test_cfg_option_keys():
    cfg = Config(dict(model=dict(), train_cfg=dict()))
    check_cfg_option_keys(cfg, {'model.backbone.x': 1, 'work_dir': 'w', 'randomness': {}})
    with pytest.raises(ConfigKeyError, match="did you mean 'train_cfg'"):
        check_cfg_option_keys(cfg, {'train_cfgg.max_iters': 2})


def test_check_checkpoint(tmp_path):
    good = tmp_path / 'good.pth'
    torch.save(dict(state_dict={'w': torch.ones(1)}, optimizer={}, meta={}), good)
    check_checkpoint(str(good), need_training_state=True)
    weights_only = tmp_path / 'weights.pth'
    torch.save(dict(state_dict={'w': torch.ones(1)}), weights_only)
    check_checkpoint(str(weights_only))
    with pytest.raises(CheckpointError, match='lacks optimizer, meta'):
        check_checkpoint(str(weights_only), purpose='resume', need_training_state=True)
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(good.read_bytes()[:100])
    with pytest.raises(CheckpointError, match='corrupt or truncated'):
        check_checkpoint(str(truncated))
    with pytest.raises(CheckpointError, match='does not exist'):
        check_checkpoint(str(tmp_path / 'missing.pth'))
