"""Preflight checks: downsample rate, input sizes, cfg-option keys, checkpoints."""

import pytest
import torch
from mmengine.config import Config

from attn_unet.engine import (
    CheckpointError,
    ConfigKeyError,
    ConfigValueError,
    InputSizeError,
    ToolError,
    backbone_downsample_rate,
    check_cfg_option_keys,
    check_cfg_option_types,
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
    # Read by mmengine's Runner and ours without any _base_ setting them.
    check_cfg_option_keys(cfg, {'compile': True, 'cpu_sync_bn': 'local'})
    with pytest.raises(ConfigKeyError, match="did you mean 'train_cfg'"):
        check_cfg_option_keys(cfg, {'train_cfgg.max_iters': 2})


_TYPED_CFG = dict(
    train_cfg=dict(max_iters=1000),
    optimizer=dict(lr=0.01),
    model=dict(backbone=dict(attention_stages=(True, True), norm_cfg=None, type='AttentionUNet')),
    train_dataloader=dict(dataset=dict(pipeline=[dict(type='RandomCrop', crop_size=(64, 128))])),
)


@pytest.mark.parametrize(
    'options',
    [
        {'train_cfg.max_iters': 20},
        {'optimizer.lr': 1},  # a whole number where a float is
        {'model.backbone.attention_stages': [False, True]},  # list for tuple
        {'model.backbone.norm_cfg': dict(type='BN')},  # the config holds None
        {'train_dataloader.dataset.pipeline.0.crop_size': (32, 64)},
        {'model.backbone.gate_inter_ratio': 'abc'},  # not in the config: not judged here
    ],
)
def test_cfg_option_types_accepts(options):
    check_cfg_option_types(Config(_TYPED_CFG), options)


@pytest.mark.parametrize(
    'options, words',
    [
        ({'train_cfg.max_iters': 'abc'}, ["train_cfg.max_iters='abc'", 'whole number', '=1000']),
        ({'train_cfg.max_iters': 2.5}, ['a whole number there, this is a number']),
        (
            {'model.backbone.attention_stages': True},
            ['attention_stages=True', 'list or tuple', 'true/false', '(True, True)'],
        ),
        ({'model.backbone.type': 3}, ['string']),
        ({'train_dataloader.dataset.pipeline.0.crop_size': 64}, ['crop_size=64', 'tuple']),
    ],
)
def test_cfg_option_types_refuses(options, words):
    with pytest.raises(ConfigValueError) as info:
        check_cfg_option_types(Config(_TYPED_CFG), options)
    for word in words:
        assert word in str(info.value), str(info.value)


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


@pytest.mark.parametrize(
    'backbone, words',
    [
        (
            dict(type='UNet', num_stages=5, strides=(1, 1, 1, 1), downsamples=(True,) * 3),
            ['num_stages=5 needs 5 entries', 'strides has 4', 'downsamples has 3'],
        ),
        (dict(type='AttentionUNet', num_stages=6), ['strides (default) has 5']),
        (
            dict(type='AttentionUNet', num_stages=4, attention_stages=(True,) * 4),
            ['attention_stages has 4'],
        ),
        (dict(type='UNet', num_stages=1), ['integer >= 2']),
        (dict(type='UNet', num_stages='4'), ['integer >= 2']),
    ],
)
def test_stage_tuples_that_do_not_fit(backbone, words):
    with pytest.raises(ToolError) as error:
        backbone_downsample_rate(dict(backbone=backbone))
    for word in words:
        assert word in str(error.value)
