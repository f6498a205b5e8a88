"""Every config under configs/ loads, builds its model, and passes the size check."""

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from attn_unet.engine.preflight import check_compact_labels, check_input_sizes
from attn_unet.models import backbone_downsample_rate
from tests.helpers.tools import REPO

CONFIG_DIR = REPO / 'configs'
CONFIGS = sorted(p for p in CONFIG_DIR.rglob('*.py') if '_base_' not in p.parts)
# mmseg's UNet-S5-D16 vessel configs: dataset -> sliding-window (crop, stride)
VESSEL_SLIDE = {
    'drive-64x64': ((64, 64), (42, 42)),
    'stare-128x128': ((128, 128), (85, 85)),
    'chase-db1-128x128': ((128, 128), (85, 85)),
    'hrf-256x256': ((256, 256), (170, 170)),
}


def _with_bn(cfg_dict):
    if isinstance(cfg_dict, dict):
        return {
            k: dict(v, type='BN') if k == 'norm_cfg' and v.get('type') == 'SyncBN' else _with_bn(v)
            for k, v in cfg_dict.items()
        }
    return cfg_dict


def _train_size(cfg) -> tuple:
    """(h, w) the model trains at: RandomCrop's crop_size, else the preprocessor's pad size."""
    train_set = cfg.train_dataloader.dataset
    for step in train_set.get('dataset', train_set).pipeline:
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
    for dataset in VESSEL_SLIDE:
        for prefix in ('unet', 'attn-unet'):
            for variant in ('fcn_4xb4-40k', 'fcn_4xb4-ce-1.0-dice-3.0-40k', 'fcn-sigmoid_4xb4-40k'):
                assert f'{prefix}-s5-d16_{variant}_{dataset}.py' in names


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.name)
def test_config_loads_and_builds(path, monkeypatch):
    from mmseg.registry import MODELS

    from attn_unet.engine import named_hooks

    cfg = Config.fromfile(path)
    init_default_scope(cfg.default_scope)
    assert cfg.runner_type == 'AttnUNetRunner'
    warnings = []
    monkeypatch.setattr(named_hooks, 'print_log', lambda line, **kwargs: warnings.append(line))
    named_hooks.check_named_hooks(cfg)  # SafeCheckpointHook and every guard are named
    assert warnings == []
    check_input_sizes(cfg)
    check_compact_labels(cfg)
    # the batch leaves the workers small: uint8 labels in one shared buffer
    train_set = cfg.train_dataloader.dataset
    assert train_set.get('dataset', train_set).pipeline[-1]['type'] == 'PackCompactSegInputs'
    assert cfg.train_dataloader.collate_fn['type'] == 'shared_batch_collate'
    model = MODELS.build(_with_bn(cfg.model.to_dict()))
    assert not any(isinstance(m, torch.nn.SyncBatchNorm) for m in model.modules())
    expected_rate = 8 if '-d8_' in path.name else 16
    assert backbone_downsample_rate(cfg.model) == expected_rate
    crop = _train_size(cfg)
    assert f'{crop[0]}x{crop[1]}' in path.name
    is_attention = path.name.startswith('attn-unet')
    assert hasattr(model.backbone, 'attention_gates') == is_attention


@pytest.mark.parametrize('dataset, window', VESSEL_SLIDE.items())
@pytest.mark.parametrize('prefix', ['unet', 'attn-unet'])
def test_vessel_configs_follow_mmseg(dataset, window, prefix):
    folder = 'attn_unet' if prefix == 'attn-unet' else 'unet'
    softmax = Config.fromfile(CONFIG_DIR / folder / f'{prefix}-s5-d16_fcn_4xb4-40k_{dataset}.py')
    crop, stride = window
    assert softmax.model.test_cfg == dict(mode='slide', crop_size=crop, stride=stride)
    assert softmax.model.decode_head.num_classes == 2
    assert softmax.train_cfg.max_iters == 40000
    assert softmax.test_evaluator.type == 'VesselMetric'
    dice = Config.fromfile(
        CONFIG_DIR / folder / f'{prefix}-s5-d16_fcn_4xb4-ce-1.0-dice-3.0-40k_{dataset}.py'
    )
    assert [loss.type for loss in dice.model.decode_head.loss_decode] == [
        'CrossEntropyLoss',
        'DiceLoss',
    ]
    binary = Config.fromfile(
        CONFIG_DIR / folder / f'{prefix}-s5-d16_fcn-sigmoid_4xb4-40k_{dataset}.py'
    )
    for head in (binary.model.decode_head, binary.model.auxiliary_head):
        assert head.out_channels == 1 and head.num_classes == 2
        assert head.loss_decode.use_sigmoid and head.threshold == 0.5
    assert binary.train_dataloader == softmax.train_dataloader


def test_mini_configs_differ_only_in_the_backbone():
    unet = Config.fromfile(CONFIG_DIR / 'unet/unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py')
    attn = Config.fromfile(
        CONFIG_DIR / 'attn_unet/attn-unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py'
    )
    for key in ('train_dataloader', 'val_dataloader', 'optim_wrapper', 'train_cfg'):
        assert unet[key] == attn[key]
    assert unet.train_cfg.max_iters == 1000
    assert attn.model.backbone.type == 'AttentionUNet'
