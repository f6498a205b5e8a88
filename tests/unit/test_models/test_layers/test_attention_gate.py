"""Specification of the additive attention gate (Oktay et al. 2018, arXiv 1804.03999)."""

import pytest
import torch

from attn_unet.models.layers import AttentionGate
from attn_unet.registry import MODELS

BN = dict(type='BN')

# (gate kwargs, x shape (N, C_x, H, W), g shape (N, C_g, H_g, W_g))
SHAPE_CASES = [
    (dict(in_channels=8, gating_channels=16), (2, 8, 16, 16), (2, 16, 8, 8)),
    (dict(in_channels=8, gating_channels=16, norm_cfg=BN), (2, 8, 16, 16), (2, 16, 8, 8)),
    (dict(in_channels=4, gating_channels=4, sub_sample=1), (1, 4, 12, 20), (1, 4, 12, 20)),
    (dict(in_channels=4, gating_channels=8, sub_sample=3), (1, 4, 15, 17), (1, 8, 7, 9)),
    (dict(in_channels=6, gating_channels=3, inter_channels=5), (2, 6, 8, 8), (2, 3, 2, 2)),
    (dict(in_channels=8, gating_channels=16, normalizer='softmax'), (2, 8, 16, 24), (2, 16, 8, 12)),
    (dict(in_channels=1, gating_channels=2, act_cfg=None), (1, 1, 4, 4), (1, 2, 2, 2)),
    (
        dict(in_channels=8, gating_channels=16, norm_cfg=BN, joint_norm=False),
        (2, 8, 8, 8),
        (2, 16, 4, 4),
    ),
]

# (gate kwargs, exception, words the message must contain)
BAD_ARGS = [
    (dict(in_channels=0, gating_channels=8), ValueError, 'in_channels'),
    (dict(in_channels=8, gating_channels=-1), ValueError, 'gating_channels'),
    (dict(in_channels=8, gating_channels=8, inter_channels=0), ValueError, 'inter_channels'),
    (dict(in_channels=8, gating_channels=8, sub_sample=0), ValueError, 'sub_sample'),
    (dict(in_channels=8, gating_channels=8, sub_sample=1.5), ValueError, 'sub_sample'),
    (dict(in_channels=True, gating_channels=8), ValueError, 'in_channels'),
    (dict(in_channels=8, gating_channels=8, normalizer='relu'), ValueError, 'softmax'),
    (dict(in_channels=8, gating_channels=8, inter_ratio=0), ValueError, 'inter_ratio'),
    (dict(in_channels=8, gating_channels=8, inter_ratio=8), ValueError, 'inter_ratio'),
    (dict(in_channels=8, gating_channels=8, inter_ratio='0.5'), ValueError, 'inter_ratio'),
    (dict(in_channels=4, gating_channels=8, initial_alpha=0), ValueError, 'initial_alpha'),
    (dict(in_channels=4, gating_channels=8, initial_alpha=1.0), ValueError, 'initial_alpha'),
    (dict(in_channels=4, gating_channels=8, initial_alpha=True), ValueError, 'initial_alpha'),
]


@pytest.mark.parametrize('kwargs, x_shape, g_shape', SHAPE_CASES)
def test_forward_shapes_and_range(kwargs, x_shape, g_shape):
    gate = AttentionGate(**kwargs)
    x, g = torch.randn(x_shape), torch.randn(g_shape)
    out, alpha = gate(x, g)
    assert out.shape == x.shape
    assert alpha.shape == (x_shape[0], 1, *x_shape[2:])
    assert alpha.min() >= 0 and alpha.max() <= 1
    torch.testing.assert_close(out, alpha * x, rtol=0, atol=0)


@pytest.mark.parametrize('joint_norm, has_norm', [(True, True), (False, False)])
def test_joint_norm_switch(joint_norm, has_norm):
    gate = AttentionGate(8, 16, norm_cfg=BN, joint_norm=joint_norm)
    assert isinstance(gate.norm, torch.nn.BatchNorm2d) == has_norm
    assert (gate.phi.bias is None) == has_norm


def test_out_transform_reprojects_the_gated_skip():
    torch.manual_seed(0)
    gate = AttentionGate(8, 16, norm_cfg=BN, out_transform=True).eval()
    x, g = torch.randn(2, 8, 8, 8), torch.randn(2, 16, 4, 4)
    out, alpha = gate(x, g)
    assert out.shape == x.shape
    torch.testing.assert_close(out, gate.out_transform(alpha * x))
    assert not torch.allclose(out, alpha * x)


def test_gating_signal_steers_the_coefficients():
    torch.manual_seed(0)
    gate = AttentionGate(8, 16).eval()
    x = torch.randn(1, 8, 16, 16)
    _, alpha_a = gate(x, torch.randn(1, 16, 8, 8))
    _, alpha_b = gate(x, torch.randn(1, 16, 8, 8))
    assert (alpha_a - alpha_b).abs().max() > 1e-3


def test_coefficients_vary_over_space():
    torch.manual_seed(0)
    _, alpha = AttentionGate(8, 16)(torch.randn(1, 8, 16, 16), torch.randn(1, 16, 8, 8))
    assert alpha.std() > 1e-3


def test_softmax_peak_is_one_on_theta_grid():
    torch.manual_seed(0)
    gate = AttentionGate(4, 4, sub_sample=1, normalizer='softmax')
    _, alpha = gate(torch.randn(3, 4, 8, 8), torch.randn(3, 4, 8, 8))
    torch.testing.assert_close(alpha.amax(dim=(1, 2, 3)), torch.ones(3))
    assert (alpha < 1).float().mean() > 0.9


def test_softmax_keeps_half_precision():
    gate = AttentionGate(4, 8, normalizer='softmax').to(torch.bfloat16)
    x = torch.randn(1, 4, 8, 8, dtype=torch.bfloat16)
    out, alpha = gate(x, torch.randn(1, 8, 4, 4, dtype=torch.bfloat16))
    assert out.dtype == alpha.dtype == torch.bfloat16
    assert torch.isfinite(alpha).all()


@pytest.mark.parametrize('normalizer', ['sigmoid', 'softmax'])
@pytest.mark.parametrize('norm_cfg', [None, BN])
@pytest.mark.parametrize(
    'options', [dict(), dict(joint_norm=False, out_transform=True), dict(initial_alpha=0.5)]
)
def test_every_parameter_learns(normalizer, norm_cfg, options):
    torch.manual_seed(0)
    gate = AttentionGate(8, 16, normalizer=normalizer, norm_cfg=norm_cfg, **options)
    gate.init_weights()
    x = torch.randn(2, 8, 16, 16, requires_grad=True)
    g = torch.randn(2, 16, 8, 8, requires_grad=True)
    if gate.initial_alpha is not None:  # psi starts at zero: one step gives it weights
        out, _ = gate(x, g)
        (out * torch.randn_like(out)).sum().backward()
        torch.optim.SGD(gate.parameters(), lr=0.1).step()
        gate.zero_grad()
    out, _ = gate(x, g)
    (out * torch.randn_like(out)).sum().backward()
    for name, param in gate.named_parameters():
        assert param.grad is not None, name
        assert torch.isfinite(param.grad).all(), name
        assert param.grad.abs().max() > 1e-5, f'{name} gets no gradient'
    assert x.grad.abs().max() > 0 and g.grad.abs().max() > 0


@pytest.mark.parametrize(
    'kwargs, num_params',
    [
        # C_x = 8, C_g = 16, inter channels 0.25 C_x = 2 by default
        (dict(), 101),  # theta 8*2*2*2 + phi 16*2+2 + psi 2+1
        (dict(norm_cfg=BN), 103),  # theta 64 + phi 32 (bias left to BN) + BN 2*2 + psi 3
        (dict(norm_cfg=BN, normalizer='softmax'), 102),  # softmax ignores psi's bias
        (dict(norm_cfg=BN, joint_norm=False), 101),  # phi keeps its bias, no BN
        (dict(norm_cfg=BN, out_transform=True), 103 + 80),  # W: 8*8 (bias left to BN) + BN 2*8
        (dict(inter_ratio=1.0), 256 + 136 + 9),  # theta 8*8*4 + phi 16*8+8 + psi 8+1
        (dict(inter_channels=3, inter_ratio=1.0), 96 + 51 + 4),  # inter_channels wins
    ],
)
def test_parameter_count(kwargs, num_params):
    gate = AttentionGate(8, 16, **kwargs)
    assert sum(p.numel() for p in gate.parameters()) == num_params


@pytest.mark.parametrize('kwargs, error, words', BAD_ARGS)
def test_bad_arguments_raise(kwargs, error, words):
    with pytest.raises(error, match=words):
        AttentionGate(**kwargs)


def test_input_smaller_than_sub_sample_raises():
    gate = AttentionGate(4, 8, sub_sample=4)
    with pytest.raises(ValueError, match=r'\(2, 8\) are smaller than sub_sample=4'):
        gate(torch.randn(1, 4, 2, 8), torch.randn(1, 8, 1, 4))


def test_built_from_registry():
    gate = MODELS.build(dict(type='AttentionGate', in_channels=4, gating_channels=8))
    assert isinstance(gate, AttentionGate)
    assert gate.inter_channels == 1  # 0.25 * C_x
