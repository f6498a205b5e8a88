"""Additive attention gate of Attention U-Net (Oktay et al. 2018, arXiv 1804.03999).

The gate weighs skip-connection features ``x`` by coefficients ``alpha`` in
[0, 1] computed from ``x`` and a coarser gating signal ``g`` (paper eq. 1-2)::

    q     = act(norm(theta(x) + phi(g)))   theta: strided conv onto g's grid
    alpha = normaliser(psi(q))              psi: 1x1 conv to one channel
    out   = W(resize(alpha, x) * x)         W: optional 1x1 conv + norm

Two switches select between this project's lean gate and the authors' one
(Attention-Gated-Networks, ``_GridAttentionBlockND``, concatenation mode):
``joint_norm`` (the authors have no norm in q) and ``out_transform`` (the
authors re-project the gated skip with W).
"""

import math

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule, build_activation_layer, build_conv_layer, build_norm_layer
from mmengine.model import BaseModule
from torch import nn

from attn_unet.registry import MODELS

__all__ = ['AttentionGate']

NORMALIZERS = ('sigmoid', 'softmax')
MAX_INTER_RATIO = 4


@MODELS.register_module()
class AttentionGate(BaseModule):
    """Additive attention gate.

    Args:
        in_channels: C_x, channels of the gated skip features x.
        gating_channels: C_g, channels of the gating signal g.
        inter_channels: channels of the joint embedding q. Default: None,
            meaning ``inter_ratio * C_x`` (at least 1).
        inter_ratio: q's channels as a fraction of C_x, in (0, 4], used when
            ``inter_channels`` is None. Default 0.25, which keeps the gates of
            UNet-S5-D16 under 2% of its parameters; the authors use 1.0.
        sub_sample: kernel size and stride of theta, the conv that brings x
            towards g's grid. 1 keeps x's resolution. Default: 2.
        normalizer: 'sigmoid' (independent per pixel) or 'softmax' (spatial
            softmax over theta's grid, as in the authors' code, rescaled so
            that the largest coefficient on that grid is 1).
        joint_norm: normalise the joint term theta(x) + phi(g) with
            ``norm_cfg`` before the activation. The authors do not (False).
        out_transform: re-project the gated skip with W, a 1x1 conv + norm
            (``norm_cfg``), as the authors do. Default False: return alpha * x.
        conv_cfg: conv layer config for theta, phi, psi and W.
        norm_cfg: normalisation layer of the joint term and of W; None for none.
        act_cfg: activation of q. Default: ReLU.
        initial_alpha: the coefficient every pixel starts with, in (0, 1): psi's weights
            start at zero and its bias at logit(initial_alpha), so that every gate starts
            open to the same degree and off the sigmoid's flat tails, whatever the seed.
            None leaves psi to the initialisers (``init_cfg``, the backbone's), which under
            mmseg's UNet start a gate saturated by the luck of the seed. With the ``softmax``
            normaliser a uniform start gives every coefficient 1. Default: 0.5, which made
            AttentionUNet as reliable as UNet across seeds (``docs/en/attention.md``).
        init_cfg: mmengine initialisation config.

    Raises:
        ValueError: for a non-positive channel count or sub-sample factor, an
            ``inter_ratio`` outside (0, 4], or an unknown normaliser.
    """

    def __init__(
        self,
        in_channels: int,
        gating_channels: int,
        inter_channels: int | None = None,
        inter_ratio: float = 0.25,
        sub_sample: int = 2,
        normalizer: str = 'sigmoid',
        joint_norm: bool = True,
        out_transform: bool = False,
        conv_cfg: dict | None = None,
        norm_cfg: dict | None = None,
        act_cfg: dict | None = dict(type='ReLU'),
        initial_alpha: float | None = 0.5,
        init_cfg: dict | list | None = None,
    ):
        super().__init__(init_cfg)
        if initial_alpha is not None and (
            isinstance(initial_alpha, bool)
            or not isinstance(initial_alpha, int | float)
            or not 0 < initial_alpha < 1
        ):
            raise ValueError(
                f'AttentionGate: initial_alpha must be a number in (0, 1) or None, '
                f'got {initial_alpha!r}'
            )
        if (
            isinstance(inter_ratio, bool)
            or not isinstance(inter_ratio, int | float)
            or not 0 < inter_ratio <= MAX_INTER_RATIO
        ):
            raise ValueError(
                f'AttentionGate: inter_ratio must be a number in (0, {MAX_INTER_RATIO}], '
                f'got {inter_ratio!r}'
            )
        if inter_channels is None and isinstance(in_channels, int):
            inter_channels = max(int(in_channels * inter_ratio), 1)
        for name, value in (
            ('in_channels', in_channels),
            ('gating_channels', gating_channels),
            ('inter_channels', inter_channels),
            ('sub_sample', sub_sample),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f'AttentionGate: {name} must be a positive int, got {value!r}')
        if normalizer not in NORMALIZERS:
            raise ValueError(
                f'AttentionGate: normalizer must be one of {NORMALIZERS}, got {normalizer!r}'
            )
        self.in_channels = in_channels
        self.gating_channels = gating_channels
        self.inter_channels = inter_channels
        self.sub_sample = sub_sample
        self.normalizer = normalizer
        self.initial_alpha = initial_alpha
        normalise_joint = bool(joint_norm and norm_cfg)

        self.theta = build_conv_layer(
            conv_cfg,
            in_channels,
            inter_channels,
            kernel_size=sub_sample,
            stride=sub_sample,
            bias=False,
        )
        # A bias is dropped where the next step cancels it: norm subtracts each channel's
        # mean, and the spatial softmax is unchanged by a constant shift.
        self.phi = build_conv_layer(
            conv_cfg, gating_channels, inter_channels, kernel_size=1, bias=not normalise_joint
        )
        self.norm = (
            build_norm_layer(norm_cfg, inter_channels)[1] if normalise_joint else nn.Identity()
        )
        self.act = build_activation_layer(act_cfg) if act_cfg else nn.Identity()
        self.psi = build_conv_layer(
            conv_cfg, inter_channels, 1, kernel_size=1, bias=normalizer == 'sigmoid'
        )
        self.out_transform = (
            ConvModule(
                in_channels,
                in_channels,
                kernel_size=1,
                conv_cfg=conv_cfg,
                norm_cfg=norm_cfg,
                act_cfg=None,
            )
            if out_transform
            else nn.Identity()
        )

    def init_weights(self) -> None:
        """The initialisers' weights, then psi set to start at ``initial_alpha`` if given.

        A parent's ``init_cfg`` (mmseg's UNet: Kaiming, ``fan_out``) reaches psi before this
        runs; psi has one output channel, so ``fan_out`` gives its weights a standard deviation
        of sqrt(2) and a gate can start saturated, closed or open, by the luck of the seed.
        """
        super().init_weights()
        if self.initial_alpha is None:
            return
        with torch.no_grad():
            self.psi.weight.zero_()
            if self.psi.bias is not None:
                self.psi.bias.fill_(math.log(self.initial_alpha / (1 - self.initial_alpha)))

    def forward(self, x: torch.Tensor, g: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Gate x with g.

        Args:
            x: skip features (N, C_x, H, W).
            g: gating signal (N, C_g, H_g, W_g), usually H_g = H / 2; any size
                is accepted, phi(g) is resampled onto theta(x)'s grid.

        Returns:
            The gated features (N, C_x, H, W) and the coefficients alpha
            (N, 1, H, W) in [0, 1].

        Raises:
            ValueError: if H or W is smaller than ``sub_sample``.
        """
        if min(x.shape[-2:]) < self.sub_sample:
            raise ValueError(
                f'AttentionGate: skip features of size {tuple(x.shape[-2:])} are smaller than '
                f'sub_sample={self.sub_sample}; feed larger images or lower '
                f"gate_cfg['sub_sample']"
            )
        theta_x = self.theta(x)
        phi_g = self.phi(g)
        if phi_g.shape[-2:] != theta_x.shape[-2:]:
            phi_g = F.interpolate(
                phi_g, size=theta_x.shape[-2:], mode='bilinear', align_corners=False
            )
        logits = self.psi(self.act(self.norm(theta_x + phi_g)))
        alpha = self._normalize(logits)
        if alpha.shape[-2:] != x.shape[-2:]:
            alpha = F.interpolate(alpha, size=x.shape[-2:], mode='bilinear', align_corners=False)
        return self.out_transform(alpha * x), alpha

    def _normalize(self, logits: torch.Tensor) -> torch.Tensor:
        """Logits (N, 1, h, w) to coefficients in [0, 1] of the same shape."""
        if self.normalizer == 'sigmoid':
            return torch.sigmoid(logits)
        flat = logits.flatten(2).float().softmax(dim=-1)
        flat = flat / flat.amax(dim=-1, keepdim=True)
        return flat.view_as(logits).to(logits.dtype)
