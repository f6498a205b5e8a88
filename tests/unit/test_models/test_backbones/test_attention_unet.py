"""Specification of the AttentionUNet backbone: a gated drop-in for mmseg's UNet."""

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope
from mmengine.structures import PixelData
from torch import nn

import attn_unet  # noqa: F401  (stands in for mmcv._ext, so mmseg imports with mmcv-lite)

# isort: split
from mmseg.models.backbones import UNet
from mmseg.structures import SegDataSample

from attn_unet.models.backbones import AttentionUNet
from attn_unet.models.layers import AttentionGate, MultiAttentionGate
from attn_unet.registry import MODELS
from tests.helpers.tiny_backbones import TINY3
from tests.helpers.tools import REPO

BASE_MODEL_CFG = REPO / 'configs/_base_/models/fcn_attn-unet_s5-d16.py'

TINY4 = dict(
    base_channels=4,
    num_stages=4,
    strides=(1, 1, 1, 1),
    enc_num_convs=(1, 1, 1, 1),
    dec_num_convs=(1, 1, 1),
    downsamples=(True, True, True),
    enc_dilations=(1,) * 4,
    dec_dilations=(1,) * 3,
    attention_stages=(True,) * 3,
)

# (backbone kwargs, input (H, W), gated decoder stages, alpha (H_i, W_i) per gated stage)
SHAPE_CASES = [
    (TINY3, (32, 32), (0, 1), ((32, 32), (16, 16))),
    (TINY3, (32, 48), (0, 1), ((32, 48), (16, 24))),
    (
        dict(TINY3, strides=(1, 2, 2), downsamples=(False, False)),
        (32, 32),
        (0, 1),
        ((32, 32), (16, 16)),
    ),
    (dict(TINY3, strides=(2, 1, 1)), (32, 32), (0, 1), ((16, 16), (8, 8))),
    (
        dict(TINY4, downsamples=(True, False, True)),
        (32, 32),
        (0, 1, 2),
        ((32, 32), (16, 16), (16, 16)),
    ),
    (dict(TINY4, attention_stages=(True, False, True)), (32, 32), (0, 2), ((32, 32), (8, 8))),
    (dict(TINY4, attention_stages=(False, False, False)), (32, 32), (), ()),
    (
        dict(TINY3, gate_cfg=dict(type='AttentionGate', normalizer='softmax', sub_sample=1)),
        (16, 16),
        (0, 1),
        ((16, 16), (8, 8)),
    ),
]

NEEDS_TYPE = "gate_cfg must be a dict with a 'type'"

# (backbone kwargs, exception, words the message must contain)
BAD_ARGS = [
    (dict(TINY3, attention_stages=(True,)), ValueError, 'one flag per decoder stage'),
    (dict(TINY3, attention_stages=True), ValueError, 'one flag per decoder stage'),
    (dict(TINY3, attention_stages='TT'), ValueError, 'one flag per decoder stage'),
    (dict(TINY3, gate_cfg=dict(type='AttentionGate', inter_ratio=0)), ValueError, 'inter_ratio'),
    (dict(TINY3, gate_cfg=dict(type='AttentionGate', inter_ratio=8)), ValueError, 'inter_ratio'),
    (dict(TINY3, gate_normaliser='softmax'), TypeError, "unknown argument.*'gate_normaliser'"),
    (dict(TINY3, gate_cfg=dict(type='AttentionGate', normalizer='relu')), ValueError, 'normalizer'),
    (dict(TINY3, gate_cfg=dict(type='AttentionGate', sub_sample=0)), ValueError, 'sub_sample'),
    (dict(TINY3, gate_cfg=dict(type='NoSuchGate')), KeyError, 'NoSuchGate'),
    (dict(TINY3, gate_cfg=dict(inter_ratio=0.5)), ValueError, NEEDS_TYPE),
    (dict(TINY3, gate_cfg='AttentionGate'), ValueError, NEEDS_TYPE),
    (
        dict(TINY3, gate_inter_ratio=0.5),
        TypeError,
        r"\['gate_inter_ratio'\] were replaced by gate_cfg; write "
        r"gate_cfg=dict\(type='AttentionGate', inter_ratio=...\)",
    ),
    (
        dict(TINY3, gate_normalizer='softmax', gate_sub_sample=1, gate_type='AttentionGate'),
        TypeError,
        r"gate_cfg=dict\(type='AttentionGate', normalizer=..., sub_sample=..., type=...\)",
    ),
    (dict(TINY3, strides=(1, 1)), AssertionError, 'strides'),
]


def unet_kwargs(kwargs: dict) -> dict:
    return {k: v for k, v in kwargs.items() if not k.startswith(('gate_', 'attention_', 'gating_'))}


def build_unet(**kwargs) -> UNet:
    """mmseg's UNet in eval mode; it finds its upsample layer only in mmseg's scope."""
    with DefaultScope.overwrite_default_scope('mmseg'):
        unet = UNet(**kwargs)
    unet.eval()  # mmseg's UNet.train returns None, so it cannot be chained
    return unet


def named_grads(model: nn.Module) -> dict:
    return {name: p.grad.clone() for name, p in model.named_parameters()}


@pytest.mark.parametrize('kwargs, hw, gated, alpha_hw', SHAPE_CASES)
def test_outputs_match_unet_and_maps_match_skips(kwargs, hw, gated, alpha_hw):
    torch.manual_seed(0)
    x = torch.randn(2, 3, *hw)
    model = AttentionUNet(**kwargs)
    outs = model(x)
    ref_outs = build_unet(**unet_kwargs(kwargs))(x)
    assert [o.shape for o in outs] == [o.shape for o in ref_outs]
    maps = model.attention_maps
    assert tuple(sorted(maps)) == gated
    for stage, size in zip(gated, alpha_hw):
        assert maps[stage].shape == (2, 1, *size)
        assert maps[stage].min() >= 0 and maps[stage].max() <= 1
        assert not maps[stage].requires_grad


def test_unet_weights_load_and_open_gates_reproduce_unet():
    torch.manual_seed(0)
    unet = build_unet(**unet_kwargs(TINY4))
    model = AttentionUNet(**TINY4).eval()
    missing, unexpected = model.load_state_dict(unet.state_dict(), strict=False)
    assert unexpected == []
    assert missing and all(key.startswith('attention_gates.') for key in missing)
    x = torch.randn(1, 3, 32, 32)
    ref = unet(x)
    gated = model(x)
    assert not torch.allclose(gated[-1], ref[-1])
    for gate in model.attention_gates.values():
        nn.init.zeros_(gate.psi.weight)
        nn.init.constant_(gate.psi.bias, 100.0)
    for out, ref_out in zip(model(x), ref):
        torch.testing.assert_close(out, ref_out, rtol=0, atol=0)


def test_ungated_model_is_unet():
    torch.manual_seed(0)
    unet = build_unet(**unet_kwargs(TINY3))
    model = AttentionUNet(**dict(TINY3, attention_stages=(False, False))).eval()
    assert len(model.attention_gates) == 0
    model.load_state_dict(unet.state_dict())
    x = torch.randn(1, 3, 16, 16)
    for out, ref_out in zip(model(x), unet(x)):
        torch.testing.assert_close(out, ref_out, rtol=0, atol=0)


def test_every_parameter_learns():
    torch.manual_seed(0)
    model = AttentionUNet(**TINY3).train()
    outs = model(torch.randn(2, 3, 32, 32))
    sum((o * torch.randn_like(o)).sum() for o in outs).backward()
    for name, param in model.named_parameters():
        assert param.grad is not None, name
        assert torch.isfinite(param.grad).all(), name
        assert param.grad.abs().max() > 1e-6, f'{name} gets no gradient'


def test_checkpointing_gives_the_same_gradients():
    torch.manual_seed(0)
    plain = AttentionUNet(**TINY3).train()
    with_cp = AttentionUNet(with_cp=True, **TINY3).train()
    with_cp.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 16, 16)
    weights = [torch.randn(2, 4 * 2**i, 16 // 2**i, 16 // 2**i) for i in (2, 1, 0)]
    for model in (plain, with_cp):
        outs = model(x.clone().requires_grad_())
        sum((o * w).sum() for o, w in zip(outs, weights)).backward()
    grads, cp_grads = named_grads(plain), named_grads(with_cp)
    for name, grad in grads.items():
        torch.testing.assert_close(cp_grads[name], grad, msg=name)
    assert sorted(with_cp.attention_maps) == [0, 1]


def test_attention_maps_track_the_last_forward():
    model = AttentionUNet(**TINY3).eval()
    assert model.attention_maps == {}
    model(torch.randn(1, 3, 32, 32))
    maps = model.attention_maps
    maps.clear()
    assert sorted(model.attention_maps) == [0, 1]
    model(torch.randn(3, 3, 16, 24))
    assert model.attention_maps[0].shape == (3, 1, 16, 24)


def test_norm_eval_freezes_gate_norms():
    model = AttentionUNet(norm_eval=True, **TINY3).train()
    norms = [m for m in model.attention_gates.modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(norms) == 2
    assert not any(m.training for m in norms)


def test_gates_follow_backbone_cfgs():
    model = AttentionUNet(
        norm_cfg=dict(type='GN', num_groups=1), act_cfg=dict(type='GELU'), **unet_kwargs(TINY3)
    )
    gate = model.attention_gates['1']
    assert isinstance(gate, AttentionGate)
    assert isinstance(gate.norm, nn.GroupNorm) and isinstance(gate.act, nn.GELU)
    assert (gate.in_channels, gate.gating_channels, gate.inter_channels) == (8, 16, 2)


def test_custom_gate_type():
    @MODELS.register_module(name='_SpecTestGate', force=True)
    class SpecTestGate(AttentionGate):
        pass

    try:
        model = AttentionUNet(gate_cfg=dict(type='_SpecTestGate'), **TINY3)
        assert all(type(g) is SpecTestGate for g in model.attention_gates.values())
    finally:
        MODELS._module_dict.pop('_SpecTestGate')


def test_builds_without_a_scope_and_leaves_the_scope_alone():
    before = DefaultScope.get_current_instance()
    model = MODELS.build(dict(type='AttentionUNet', **TINY3))
    assert isinstance(model, AttentionUNet)
    assert DefaultScope.get_current_instance() is before


@pytest.mark.parametrize('kwargs, error, words', BAD_ARGS)
def test_bad_arguments_raise(kwargs, error, words):
    with pytest.raises(error, match=words):
        AttentionUNet(**kwargs)


def test_input_size_not_divisible_raises():
    model = AttentionUNet(**TINY4)
    with pytest.raises(AssertionError, match='divisible by the whole downsample rate 8'):
        model(torch.randn(1, 3, 30, 32))


def test_default_gates_every_stage_but_the_finest():
    model = AttentionUNet(**{k: v for k, v in TINY4.items() if k != 'attention_stages'})
    assert model.attention_stages == (False, True, True)
    assert sorted(model.attention_gates) == ['1', '2']
    model.eval()(torch.randn(1, 3, 32, 32))
    assert sorted(model.attention_maps) == [1, 2]


def test_parameter_counts():
    tiny = AttentionUNet(**TINY3)
    gates = sum(p.numel() for p in tiny.attention_gates.parameters())
    # per gate over skip channels C: theta C^2, phi C^2/2, BN C/2, psi C/4 + 1
    assert gates == (16 + 8 + 2 + 2) + (64 + 32 + 4 + 3)
    full = AttentionUNet()
    full_gates = sum(p.numel() for p in full.attention_gates.parameters())
    full_total = sum(p.numel() for p in full.parameters())
    assert full_gates == 516_771
    assert full_total - full_gates == sum(p.numel() for p in build_unet().parameters())
    assert full_gates / full_total < 0.02


def tiny_segmentor_cfg(crop: int) -> dict:
    """The real _base_ model config, shrunk: 3 stages of 4-16 channels, 3 classes."""
    model = Config.fromfile(BASE_MODEL_CFG).model
    model.data_preprocessor.size = (crop, crop)
    model.backbone.update(TINY3, attention_stages=(True, True))
    model.decode_head.update(in_channels=4, in_index=2, channels=4, num_classes=3)
    model.auxiliary_head.update(in_channels=8, in_index=1, channels=4, num_classes=3)
    return model


def seg_batch(num: int, size: int) -> dict:
    samples = []
    for _ in range(num):
        sample = SegDataSample(gt_sem_seg=PixelData(data=torch.randint(0, 3, (1, size, size))))
        sample.set_metainfo(dict(img_shape=(size, size), ori_shape=(size, size)))
        samples.append(sample)
    inputs = [torch.randint(0, 256, (3, size, size), dtype=torch.uint8) for _ in range(num)]
    return dict(inputs=inputs, data_samples=samples)


def test_segmentor_from_base_config_trains_and_predicts():
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmseg'):
        segmentor = MODELS.build(tiny_segmentor_cfg(crop=32))
    assert isinstance(segmentor.backbone, AttentionUNet)
    segmentor.init_weights()
    gate_weight = segmentor.backbone.attention_gates['0'].psi.weight.detach().clone()
    optim = OptimWrapper(torch.optim.SGD(segmentor.parameters(), lr=0.1))

    losses = segmentor.train().train_step(seg_batch(2, 32), optim)
    assert {'loss', 'decode.loss_ce', 'aux.loss_ce'} <= set(losses)
    assert torch.isfinite(losses['loss'])
    assert not torch.equal(segmentor.backbone.attention_gates['0'].psi.weight, gate_weight)

    segmentor.eval()
    for results in (segmentor.val_step(seg_batch(2, 32)), segmentor.test_step(seg_batch(1, 48))):
        for result in results:
            size = tuple(result.ori_shape)
            assert result.pred_sem_seg.shape == size
            assert result.seg_logits.data.shape == (3, *size)
            assert int(result.pred_sem_seg.data.max()) < 3
    assert segmentor.backbone.attention_maps[0].shape == (1, 1, 48, 48)


# (gate_cfg, gating_block, gate class, params of the gates + gating block of TINY3)
OPTION_CASES = [
    (None, False, AttentionGate, 28 + 103),
    # authors' gate: no joint norm (phi keeps its bias), inter = C_x, W = 1x1 conv + BN
    (
        dict(type='AttentionGate', inter_ratio=1.0, joint_norm=False, out_transform=True),
        False,
        AttentionGate,
        (64 + 36 + 5 + 16 + 8) + (256 + 136 + 9 + 64 + 16),
    ),
    # gating block on the centre (16 channels): 1x1 conv 16*16 + BN 2*16
    (None, True, AttentionGate, 28 + 103 + 256 + 32),
    # two gates per skip + combining 1x1 conv 2C_x -> C_x + BN
    (
        dict(type='MultiAttentionGate', num_gates=2),
        False,
        MultiAttentionGate,
        (2 * 28 + 32 + 8) + (2 * 103 + 128 + 16),
    ),
]


@pytest.mark.parametrize('gate_cfg, gating_block, gate_class, num_params', OPTION_CASES)
def test_gate_options_build_learn_and_cost(gate_cfg, gating_block, gate_class, num_params):
    torch.manual_seed(0)
    model = AttentionUNet(gate_cfg=gate_cfg, gating_block=gating_block, **TINY3).train()
    assert all(type(g) is gate_class for g in model.attention_gates.values())
    extra = list(model.attention_gates.parameters())
    if model.gating_block is not None:
        extra += list(model.gating_block.parameters())
    assert sum(p.numel() for p in extra) == num_params
    outs = model(torch.randn(2, 3, 32, 32))
    sum((o * torch.randn_like(o)).sum() for o in outs).backward()
    for name, param in model.named_parameters():
        assert param.grad is not None and param.grad.abs().max() > 0, name
    assert model.attention_maps[1].shape == (2, 1, 16, 16)


def test_gating_block_feeds_only_the_coarsest_gate():
    torch.manual_seed(0)
    model = AttentionUNet(gating_block=True, **TINY3).eval()
    seen = {}
    for stage, gate in model.attention_gates.items():
        gate.register_forward_hook(lambda m, args, out, stage=stage: seen.update({stage: args[1]}))
    centre_seen = []
    model.decoder[1].register_forward_hook(lambda m, args, out: centre_seen.append(args[1]))
    x = torch.randn(1, 3, 32, 32)
    outs = model(x)
    centre = outs[0]
    torch.testing.assert_close(seen['1'], model.gating_block(centre))
    torch.testing.assert_close(centre_seen[0], centre)  # the decoder upsamples the raw centre
    torch.testing.assert_close(seen['0'], outs[1])


def test_gating_block_needs_a_gated_coarsest_stage():
    model = AttentionUNet(gating_block=True, **dict(TINY3, attention_stages=(True, False)))
    assert model.gating_block is None


def test_gate_cfg_overrides_backbone_layer_cfgs():
    model = AttentionUNet(
        gate_cfg=dict(type='AttentionGate', norm_cfg=dict(type='GN', num_groups=1)),
        **unet_kwargs(TINY3),
    )
    assert isinstance(model.attention_gates['1'].norm, nn.GroupNorm)


@pytest.mark.parametrize(
    'gate_cfg, expected_alpha',
    [
        (None, 0.5),  # the default gate
        (dict(type='AttentionGate', initial_alpha=0.9), 0.9),
        (dict(type='MultiAttentionGate', num_gates=2), 0.5),  # the mean of its two gates
    ],
)
def test_gates_start_at_initial_alpha_after_the_backbones_init(gate_cfg, expected_alpha):
    # mmseg's UNet init_cfg (Kaiming, fan_out) reaches psi, one output channel: weights of std
    # sqrt(2), gates starting saturated by the luck of the seed; initial_alpha runs after it
    gated = dict(TINY3, base_channels=16)  # psi weights: 4 and 8
    torch.manual_seed(0)
    kaiming = AttentionUNet(**gated, gate_cfg=dict(type='AttentionGate', initial_alpha=None))
    kaiming.init_weights()
    psi = torch.cat([gate.psi.weight.flatten() for gate in kaiming.attention_gates.values()])
    assert float(psi.std()) > 0.7  # sqrt(2) expected
    torch.manual_seed(0)
    backbone = AttentionUNet(**gated, **({} if gate_cfg is None else dict(gate_cfg=gate_cfg)))
    backbone.init_weights()
    backbone.eval()
    with torch.no_grad():
        backbone(torch.randn(2, 3, 32, 32))
    assert len(backbone.attention_maps) == 2
    for alpha in backbone.attention_maps.values():
        assert torch.allclose(alpha, torch.full_like(alpha, expected_alpha))
