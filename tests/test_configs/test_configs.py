"""Every config under configs/ loads, builds its model, and passes the size check."""

from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from attn_unet.engine import backbone_downsample_rate, check_input_sizes

CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs'
CONFIGS = sorted(p for p in CONFIG_DIR.rglob('*.py') if '_base_' not in p.parts)


def _with_bn(cfg_dict):
    if isinstance(cfg_dict, dict):
        return {
            k: dict(v, type='BN') if k == 'norm_cfg' and v.get('type') == 'SyncBN' else _with_bn(v)
            for k, v in cfg_dict.items()
        }
    return cfg_dict


def _train_size(cfg) -> tuple:
    """(h, w) the model trains at: RandomCrop's crop_size, else the preprocessor's pad size."""
    for step in cfg.train_dataloader.dataset.pipeline:
        if step['type'] == 'RandomCrop':
            return step['crop_size']
    return cfg.model.data_preprocessor.size


def test_config_table_is_complete():
    names = {p.name for p in CONFIGS}
    assert {
        'attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py',
        'attn-unet-s5-d16_fcn_8xb4-160k_cityscapes-512x1024.py',
        'unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py',
        'attn-unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py',
        'unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py',
        'attn-unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py',
        'unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py',
        'attn-unet-s4-d8_fcn_1xb8-1k_synapse-phantom-160x160.py',
        'unet-s4-d8_fcn_1xb8-1k_synapse-phantom-160x160.py',
    } <= names


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.name)
def test_config_loads_and_builds(path):
    from mmseg.registry import MODELS

    cfg = Config.fromfile(path)
    init_default_scope(cfg.default_scope)
    assert cfg.runner_type == 'AttnUNetRunner'
    check_input_sizes(cfg)
    model = MODELS.build(_with_bn(cfg.model.to_dict()))
    assert not any(isinstance(m, torch.nn.SyncBatchNorm) for m in model.modules())
    expected_rate = 8 if '-d8_' in path.name else 16
    assert backbone_downsample_rate(cfg.model) == expected_rate
    crop = _train_size(cfg)
    assert f'{crop[0]}x{crop[1]}' in path.name
    is_attention = path.name.startswith('attn-unet')
    assert hasattr(model.backbone, 'attention_gates') == is_attention


def test_mini_configs_differ_only_in_the_backbone():
    unet = Config.fromfile(CONFIG_DIR / 'unet/unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py')
    attn = Config.fromfile(
        CONFIG_DIR / 'attn_unet/attn-unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py'
    )
    for key in ('train_dataloader', 'val_dataloader', 'optim_wrapper', 'train_cfg'):
        assert unet[key] == attn[key]
    assert unet.train_cfg.max_iters == 1000
    assert attn.model.backbone.type == 'AttentionUNet'
