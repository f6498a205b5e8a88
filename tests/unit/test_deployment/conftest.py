"""Tiny segmentors built from the real configs (3 stages of 4 channels, downsample rate 4)."""

import pytest
import torch

from attn_unet.apis import build_segmentor, load_config
from tests.helpers.tiny_backbones import TINY3, TINY3_UNET
from tests.helpers.tiny_setup import ATTN_CONFIG, REPO, UNET_CONFIG

SIGMOID_CONFIG = f'{REPO}/configs/attn_unet/attn-unet-s5-d16_fcn-sigmoid_4xb4-40k_drive-64x64.py'
# name: (config, backbone overrides); every backbone has downsample rate 4.
TINY_MODELS = {
    'attn': (ATTN_CONFIG, TINY3),
    'unet': (UNET_CONFIG, TINY3_UNET),
    # the authors' gates, softmax over the grid, with a gating block; theta at full resolution
    'attn_paper_softmax': (
        ATTN_CONFIG,
        dict(
            TINY3,
            gate_cfg=dict(
                type='AttentionGate',
                inter_ratio=1.0,
                sub_sample=1,
                normalizer='softmax',
                joint_norm=False,
                out_transform=True,
            ),
            gating_block=True,
        ),
    ),
    'attn_sigmoid_head': (SIGMOID_CONFIG, TINY3),
}
RATE = 4


def tiny_segmentor(name: str, seed: int = 0) -> torch.nn.Module:
    """The TINY_MODELS entry ``name`` in eval mode, weights from ``seed``."""
    config, backbone = TINY_MODELS[name]
    cfg = load_config(config)
    cfg.model.backbone.update(backbone)
    cfg.model.decode_head.update(in_channels=4, in_index=2, channels=4)
    if cfg.model.get('auxiliary_head'):
        cfg.model.auxiliary_head.update(in_channels=8, in_index=1, channels=4)
    torch.manual_seed(seed)
    model = build_segmentor(cfg).eval()
    # Fresh BN statistics are 0 / 1: give them values so that folding BN into the
    # convolutions (onnxruntime does) is exercised.
    generator = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.normal_(0, 0.1, generator=generator)
            module.running_var.uniform_(0.5, 1.5, generator=generator)
    return model


@pytest.fixture(scope='module', params=sorted(TINY_MODELS))
def segmentor(request):
    """Each tiny segmentor in turn: (name, model)."""
    return request.param, tiny_segmentor(request.param)
