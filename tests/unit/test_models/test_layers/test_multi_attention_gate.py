"""Specification of the authors' multi-attention block: several gates on one skip."""

import pytest
import torch

from attn_unet.models.layers import AttentionGate, MultiAttentionGate
from attn_unet.registry import MODELS

BN = dict(type='BN')


@pytest.mark.parametrize('num_gates', [1, 2, 3])
def test_gates_are_combined_by_a_1x1_conv_norm_act(num_gates):
    torch.manual_seed(0)
    block = MultiAttentionGate(8, 16, num_gates=num_gates, norm_cfg=BN, inter_ratio=1.0).eval()
    x, g = torch.randn(2, 8, 16, 16), torch.randn(2, 16, 8, 8)
    out, alpha = block(x, g)
    assert len(block.gates) == num_gates
    assert all(isinstance(gate, AttentionGate) and gate.inter_channels == 8 for gate in block.gates)
    gated, alphas = zip(*(gate(x, g) for gate in block.gates))
    torch.testing.assert_close(out, block.combine(torch.cat(gated, dim=1)))
    torch.testing.assert_close(alpha, torch.stack(alphas).mean(dim=0))
    assert out.shape == x.shape and alpha.shape == (2, 1, 16, 16)
    assert (out >= 0).all()  # ReLU closes the combining block


def test_gate_kwargs_reach_every_gate():
    block = MODELS.build(
        dict(
            type='MultiAttentionGate',
            in_channels=4,
            gating_channels=8,
            norm_cfg=BN,
            joint_norm=False,
            out_transform=True,
        )
    )
    for gate in block.gates:
        assert isinstance(gate.norm, torch.nn.Identity)
        assert not isinstance(gate.out_transform, torch.nn.Identity)


def test_parameter_count_two_gates():
    # each gate (C_x 8, C_g 16, inter 2, BN): 103; combine: 16*8 (bias left to BN) + BN 2*8
    block = MultiAttentionGate(8, 16, norm_cfg=BN)
    assert sum(p.numel() for p in block.parameters()) == 2 * 103 + 128 + 16


def test_every_parameter_learns():
    torch.manual_seed(0)
    block = MultiAttentionGate(8, 16, norm_cfg=BN)
    out, _ = block(torch.randn(2, 8, 16, 16), torch.randn(2, 16, 8, 8))
    (out * torch.randn_like(out)).sum().backward()
    for name, param in block.named_parameters():
        assert param.grad is not None and param.grad.abs().max() > 0, name


@pytest.mark.parametrize('num_gates', [0, -1, 1.5, True])
def test_bad_num_gates_raise(num_gates):
    with pytest.raises(ValueError, match='num_gates'):
        MultiAttentionGate(8, 16, num_gates=num_gates)
