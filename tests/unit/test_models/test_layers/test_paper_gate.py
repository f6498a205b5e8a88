"""The paper preset's gate equals Oktay et al. 2018 (arXiv 1804.03999) eq. 1-2 plus the
authors' output transform W, written out here from the equations with shared weights."""

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.registry import DefaultScope

import attn_unet  # noqa: F401

# isort: split
from attn_unet.registry import MODELS
from tests.helpers.tiny_backbones import TINY3
from tests.helpers.tools import REPO

PRESET = REPO / 'configs/_base_/models/fcn_attn-unet-paper-gates_s5-d16.py'
TINY = dict(TINY3, norm_cfg=dict(type='BN'))


def paper_gate(x, g, w_x, w_g, b_g, psi, b_psi, w_out, b_out, bn):
    """Eq. 1-2 with the authors' W, for x (N, C_x, H, W) and g (N, C_g, H/2, W/2).

    q_att = psi^T relu(W_x^T x_ij + W_g^T g_i + b_g) + b_psi    (W_x on 2x2 patches, stride 2)
    alpha = sigmoid(q_att), resampled bilinearly onto x
    out   = BN(W^T (alpha x) + b_W)
    """
    n, c_x, h, w = x.shape
    patches = F.unfold(x, kernel_size=2, stride=2)  # (N, C_x * 4, h w / 4)
    theta = torch.einsum('ik,nkl->nil', w_x.reshape(w_x.shape[0], -1), patches)
    phi = torch.einsum('ic,ncl->nil', w_g, g.flatten(2)) + b_g[None, :, None]
    q = torch.einsum('i,nil->nl', psi, F.relu(theta + phi)) + b_psi
    alpha = torch.sigmoid(q).reshape(n, 1, h // 2, w // 2)
    alpha = F.interpolate(alpha, size=(h, w), mode='bilinear', align_corners=False)
    y = torch.einsum('oc,nchw->nohw', w_out, alpha * x) + b_out[None, :, None, None]
    mean, var, gamma, beta, eps = bn
    scale = gamma / torch.sqrt(var + eps)
    return (y - mean[:, None, None]) * scale[:, None, None] + beta[:, None, None], alpha


def test_preset_gate_is_the_papers_gate_with_w():
    cfg = Config.fromfile(PRESET).model.backbone
    cfg.update(TINY)
    with DefaultScope.overwrite_default_scope('mmseg'):
        backbone = MODELS.build(cfg)
    gate = backbone.attention_gates['1']  # C_x 8, C_g 16, inter C_x (ratio 1.0)
    assert gate.inter_channels == 8 and isinstance(gate.norm, torch.nn.Identity)
    assert backbone.gating_block is not None
    torch.manual_seed(0)
    bn = gate.out_transform.bn
    bn.running_mean.normal_()
    bn.running_var.uniform_(0.5, 2)
    bn.weight.data.normal_()
    bn.bias.data.normal_()
    gate.eval()
    x, g = torch.randn(2, 8, 8, 12), torch.randn(2, 16, 4, 6)

    out, alpha = gate(x, g)

    conv_w = gate.out_transform.conv
    ref_out, ref_alpha = paper_gate(
        x,
        g,
        w_x=gate.theta.weight,
        w_g=gate.phi.weight[:, :, 0, 0],
        b_g=gate.phi.bias,
        psi=gate.psi.weight[0, :, 0, 0],
        b_psi=gate.psi.bias[0],
        w_out=conv_w.weight[:, :, 0, 0],
        b_out=conv_w.bias if conv_w.bias is not None else torch.zeros(8),
        bn=(bn.running_mean, bn.running_var, bn.weight, bn.bias, bn.eps),
    )
    torch.testing.assert_close(alpha, ref_alpha)
    torch.testing.assert_close(out, ref_out)
