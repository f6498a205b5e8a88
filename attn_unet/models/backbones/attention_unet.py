"""Attention U-Net backbone (Oktay et al. 2018, arXiv 1804.03999) for mmsegmentation.

A drop-in for mmseg's :class:`~mmseg.models.backbones.UNet`: same arguments,
same encoder and decoder (so UNet checkpoints load), same outputs. Before
decoder stage ``i`` merges the skip features of encoder stage ``i``, an
attention gate weighs them with coefficients computed from the decoder's
coarser feature map, the gating signal.
"""

import inspect
from collections.abc import Sequence
from contextlib import nullcontext

import torch
import torch.utils.checkpoint as cp
from mmcv.cnn import ConvModule
from mmengine.model import ModuleDict
from mmengine.registry import DefaultScope
from mmseg.models.backbones import UNet

from attn_unet.registry import MODELS

from .downsample_rate import UNET_DECODER_STAGE_TUPLES, unet_defaults, unet_downsample_rate

__all__ = ['AttentionUNet']


FLAT_GATE_ARGS = {
    'gate_inter_ratio': 'inter_ratio',
    'gate_sub_sample': 'sub_sample',
    'gate_normalizer': 'normalizer',
    'gate_type': 'type',
}


@MODELS.register_module()
class AttentionUNet(UNet):
    """UNet whose skip connections pass through attention gates.

    Every argument of mmseg's ``UNet`` (``in_channels``, ``base_channels``,
    ``num_stages``, ``strides``, ``enc_num_convs``, ``dec_num_convs``,
    ``downsamples``, ``enc_dilations``, ``dec_dilations``, ``with_cp``,
    ``conv_cfg``, ``norm_cfg``, ``act_cfg``, ``upsample_cfg``, ``norm_eval``,
    ``dcn``, ``plugins``, ``pretrained``, ``init_cfg``) keeps its meaning and
    is passed as a keyword.

    Args:
        attention_stages: one flag per decoder stage (num_stages - 1), finest
            first like ``dec_num_convs``: whether the skip features of encoder
            stage i are gated before decoder stage i uses them. Default: every
            stage but the finest, as in the authors' implementation: gating the
            full-resolution skip costs most of the gates' time (train step
            about 1.08x UNet's instead of about 1.0x for S5-D16 at 512x1024 on
            CPU).
        gate_cfg: the gate of every gated stage, like UNet's ``upsample_cfg``:
            a registered module (``AttentionGate``, ``MultiAttentionGate`` or
            a custom one) taking ``in_channels`` and ``gating_channels``, which
            the backbone fills in (C_x = skip channels, C_g = 2 C_x), and
            ``conv_cfg`` / ``norm_cfg`` / ``act_cfg``, which default to the
            backbone's. Default: ``dict(type='AttentionGate')``, the lean gate
            (inter channels 0.25 C_x, joint term normalised, no W, every
            coefficient starting at 0.5).
        gating_block: pass the centre (the coarsest encoder output) through a
            1x1 conv + norm + act before it gates the coarsest skip, as the
            authors do (``UnetGridGatingSignal3``); the decoder still upsamples
            the raw centre. Default: False.
        **unet_kwargs: mmseg ``UNet`` arguments.

    Raises:
        TypeError: for an argument that neither this class nor ``UNet`` takes,
            naming ``gate_cfg`` for the former flat ``gate_*`` arguments.
        ValueError: for ``attention_stages`` without one flag per decoder
            stage, or a ``gate_cfg`` that is not a dict with a ``type``.

    Outputs of ``forward`` are those of ``UNet``: ``num_stages`` maps, coarse
    to fine, the i-th of shape (N, base_channels * 2**(num_stages - 1 - i),
    H / r_i, W / r_i). The gate coefficients of the last forward are in
    :attr:`attention_maps`.
    """

    def __init__(
        self,
        attention_stages: Sequence[bool] | None = None,
        gate_cfg: dict | None = None,
        gating_block: bool = False,
        **unet_kwargs,
    ):
        _check_unet_kwargs(unet_kwargs)
        with _mmseg_scope():
            super().__init__(**unet_kwargs)
        num_gates = self.num_stages - 1
        if attention_stages is None:
            attention_stages = (False,) + (True,) * (num_gates - 1)
        if (
            not isinstance(attention_stages, Sequence)
            or isinstance(attention_stages, str)
            or len(attention_stages) != num_gates
        ):
            raise ValueError(
                f'AttentionUNet: attention_stages needs one flag per decoder stage '
                f'(num_stages - 1 = {num_gates}), got {attention_stages!r}'
            )
        if gate_cfg is None:
            gate_cfg = dict(type='AttentionGate')
        if not isinstance(gate_cfg, dict) or 'type' not in gate_cfg:
            raise ValueError(
                f"AttentionUNet: gate_cfg must be a dict with a 'type', such as "
                f"dict(type='AttentionGate'), got {gate_cfg!r}"
            )
        self.attention_stages = tuple(bool(flag) for flag in attention_stages)
        self.with_cp = unet_kwargs.get('with_cp', False)
        defaults = unet_defaults()
        layer_cfgs = {
            name: unet_kwargs.get(name, defaults[name])
            for name in ('conv_cfg', 'norm_cfg', 'act_cfg')
        }
        # mmengine's ModuleDict: a gate's own init_weights runs after the backbone's init_cfg
        self.attention_gates = ModuleDict()
        for stage, gated in enumerate(self.attention_stages):
            if gated:
                skip_channels = self.base_channels * 2**stage
                cfg = {**layer_cfgs, **gate_cfg}
                cfg.update(in_channels=skip_channels, gating_channels=skip_channels * 2)
                self.attention_gates[str(stage)] = MODELS.build(cfg)
        self.gating_block = None
        if gating_block and self.attention_stages[-1]:
            centre_channels = self.base_channels * 2 ** (self.num_stages - 1)
            self.gating_block = ConvModule(
                centre_channels, centre_channels, kernel_size=1, **layer_cfgs
            )
        self._attention_maps: dict[int, torch.Tensor] = {}

    @classmethod
    def downsample_rate(cls, **backbone_cfg) -> int:
        """Total downsample rate of an AttentionUNet built with ``backbone_cfg``.

        UNet's rule, with ``attention_stages`` as one more per-decoder-stage tuple; the
        runner asks it before anything is built (see :mod:`.downsample_rate`).

        Raises:
            ToolError: a per-stage tuple does not fit ``num_stages``.
        """
        decoder_tuples = UNET_DECODER_STAGE_TUPLES + ('attention_stages',)
        return unet_downsample_rate(decoder_tuples, **backbone_cfg)

    @property
    def attention_maps(self) -> dict[int, torch.Tensor]:
        """Coefficients of the last forward, detached: {decoder stage i: alpha}.

        alpha has shape (N, 1, H_i, W_i), the size of encoder stage i's output
        (H_0 = H for the default strides), values in [0, 1]. Empty before the
        first forward and when no stage is gated.
        """
        return dict(self._attention_maps)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Args: x (N, C_in, H, W). Returns: num_stages maps, coarse to fine."""
        self._check_input_divisible(x)
        enc_outs = []
        for enc in self.encoder:
            x = enc(x)
            enc_outs.append(x)
        dec_outs = [x]
        gating = x if self.gating_block is None else self.gating_block(x)
        self._attention_maps = {}
        for stage in reversed(range(len(self.decoder))):
            skip = enc_outs[stage]
            if str(stage) in self.attention_gates:
                skip = self._gate(stage, skip, gating)
            x = self.decoder[stage](skip, x)
            gating = x
            dec_outs.append(x)
        return dec_outs

    def train(self, mode: bool = True) -> 'AttentionUNet':
        """UNet's ``train`` (``norm_eval`` keeps norms frozen), returning self like torch."""
        super().train(mode)
        return self

    def _gate(self, stage: int, skip: torch.Tensor, gating: torch.Tensor) -> torch.Tensor:
        """Gate ``skip`` (N, C, H, W) with ``gating`` (N, 2C, H', W'); keep alpha."""
        gate = self.attention_gates[str(stage)]
        if self.with_cp and skip.requires_grad:
            gated, alpha = cp.checkpoint(gate, skip, gating, use_reentrant=False)
        else:
            gated, alpha = gate(skip, gating)
        self._attention_maps[stage] = alpha.detach()
        return gated


def _check_unet_kwargs(unet_kwargs: dict) -> None:
    """Raise a TypeError naming any argument that neither class takes."""
    flat = sorted(set(unet_kwargs) & set(FLAT_GATE_ARGS))
    if flat:
        keys = ', '.join(f'{FLAT_GATE_ARGS[name]}=...' for name in flat)
        raise TypeError(
            f'AttentionUNet: {flat} were replaced by gate_cfg; write '
            f"gate_cfg=dict(type='AttentionGate', {keys}) instead"
        )
    unet_args = set(inspect.signature(UNet.__init__).parameters) - {'self'}
    unknown = sorted(set(unet_kwargs) - unet_args)
    if unknown:
        own_args = set(inspect.signature(AttentionUNet.__init__).parameters)
        allowed = sorted(unet_args | (own_args - {'self', 'unet_kwargs'}))
        raise TypeError(
            f'AttentionUNet: unknown argument(s) {unknown}; check the spelling in the '
            f'backbone config, allowed: {allowed}'
        )


def _mmseg_scope():
    """mmseg's registry scope while building, unless a scope is already set.

    UNet's upsample layers are looked up in mmseg's registry; inside a runner
    the scope is set, and this lets ``AttentionUNet()`` build in a plain script.
    """
    if DefaultScope.get_current_instance() is None:
        return DefaultScope.overwrite_default_scope('mmseg')
    return nullcontext()
