"""``--cfg-options`` checks: keys nothing reads and values of the wrong kind are refused."""

import pytest
from mmengine.config import Config

from attn_unet.apis.config_options import check_cfg_option_keys, check_cfg_option_types
from attn_unet.errors import ConfigKeyError, ConfigValueError


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
