"""Several attention gates on one skip (Oktay et al. 2018, arXiv 1804.03999).

The authors' CT networks (Attention-Gated-Networks, ``MultiAttentionBlock``)
gate each skip with ``num_gates`` independent additive gates, concatenate the
gated features and combine them with a 1x1 conv + norm + activation. Their
single-attention network uses the same block with one gate.
"""

import torch
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule, ModuleList

from attn_unet.registry import MODELS

__all__ = ['MultiAttentionGate']


@MODELS.register_module()
class MultiAttentionGate(BaseModule):
    """``num_gates`` attention gates on one skip, combined by a 1x1 ConvModule.

    Args:
        in_channels: C_x, channels of the gated skip features x.
        gating_channels: C_g, channels of the gating signal g.
        num_gates: gates per skip; 2 in the authors' multi-attention network,
            1 in their single-attention one. Default: 2.
        gate_type: registered gate module built ``num_gates`` times.
        conv_cfg: conv layer config, for the gates and the combining conv.
        norm_cfg: normalisation layer, for the gates and the combining conv.
        act_cfg: activation, for the gates and the combining conv.
        init_cfg: mmengine initialisation config.
        **gate_kwargs: further arguments of each gate (see ``AttentionGate``).

    Raises:
        ValueError: for a ``num_gates`` that is not a positive int.
    """

    def __init__(
        self,
        in_channels: int,
        gating_channels: int,
        num_gates: int = 2,
        gate_type: str = 'AttentionGate',
        conv_cfg: dict | None = None,
        norm_cfg: dict | None = None,
        act_cfg: dict | None = dict(type='ReLU'),
        init_cfg: dict | list | None = None,
        **gate_kwargs,
    ):
        super().__init__(init_cfg)
        if isinstance(num_gates, bool) or not isinstance(num_gates, int) or num_gates < 1:
            raise ValueError(
                f'MultiAttentionGate: num_gates must be a positive int, got {num_gates!r}'
            )
        self.in_channels = in_channels
        self.gating_channels = gating_channels
        self.num_gates = num_gates
        # mmengine's ModuleList: its init_weights reaches each gate's (psi's initial_alpha)
        self.gates = ModuleList(
            MODELS.build(
                dict(
                    type=gate_type,
                    in_channels=in_channels,
                    gating_channels=gating_channels,
                    conv_cfg=conv_cfg,
                    norm_cfg=norm_cfg,
                    act_cfg=act_cfg,
                    **gate_kwargs,
                )
            )
            for _ in range(num_gates)
        )
        self.combine = ConvModule(
            in_channels * num_gates,
            in_channels,
            kernel_size=1,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg,
        )

    def forward(self, x: torch.Tensor, g: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Gate x with g through every gate and combine.

        Args:
            x: skip features (N, C_x, H, W).
            g: gating signal (N, C_g, H_g, W_g).

        Returns:
            The combined gated features (N, C_x, H, W) and the gates' mean
            coefficients alpha (N, 1, H, W) in [0, 1].
        """
        gated, alphas = zip(*(gate(x, g) for gate in self.gates))
        combined = self.combine(torch.cat(gated, dim=1))
        return combined, torch.stack(alphas).mean(dim=0)
