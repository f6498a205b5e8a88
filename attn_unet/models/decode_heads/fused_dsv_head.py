"""Fused deep-supervision head of Attention U-Net (Oktay et al. 2018, arXiv 1804.03999).

The authors' CT networks (Attention-Gated-Networks, ``unet_CT_*_att_dsv_3D``)
map every decoder stage to class scores with a 1x1 conv, upsample the scores to
full size and fuse them with one more 1x1 conv into the prediction. One loss on
the fused prediction trains every stage's scores, so every decoder scale gets a
direct gradient path.
"""

from collections.abc import Sequence

import torch
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize
from torch import nn

from attn_unet.registry import MODELS

__all__ = ['FusedDSVHead']


@MODELS.register_module()
class FusedDSVHead(BaseDecodeHead):
    """1x1 conv per decoder scale -> upsample to the finest -> fuse by a 1x1 conv.

    Works with any backbone returning several scales (``AttentionUNet``,
    mmseg's ``UNet``, ...). ``input_transform`` is 'multiple_select'.

    Args:
        in_channels: channels of each selected scale, in ``in_index`` order.
        in_index: backbone outputs to use; for UNet-S5-D16 the four decoder
            stages ``[1, 2, 3, 4]`` (output 0 is the centre, which the authors
            do not supervise).
        dropout_ratio: dropout before the fusing conv. Default 0 (authors: none).
        **kwargs: further ``BaseDecodeHead`` arguments (``num_classes``,
            ``loss_decode``, ``align_corners``, ...); ``channels`` is set here
            to ``len(in_index) * num_classes``, the fusing conv's input.

    Shapes: inputs i (N, C_i, H_i, W_i) -> scores upsampled to the largest
    (H_f, W_f) -> output (N, num_classes, H_f, W_f).
    """

    def __init__(
        self,
        in_channels: Sequence[int],
        in_index: Sequence[int],
        dropout_ratio: float = 0.0,
        **kwargs,
    ):
        if not isinstance(in_index, Sequence) or len(in_index) < 2:
            raise ValueError(
                f'FusedDSVHead: in_index must list at least two backbone outputs, got {in_index!r}'
            )
        num_classes = kwargs['num_classes']
        out_channels = kwargs.get('out_channels') or num_classes
        super().__init__(
            in_channels,
            channels=len(in_index) * out_channels,
            in_index=list(in_index),
            input_transform='multiple_select',
            dropout_ratio=dropout_ratio,
            **kwargs,
        )
        self.scale_convs = nn.ModuleList(
            nn.Conv2d(channels, self.out_channels, kernel_size=1) for channels in self.in_channels
        )

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Backbone outputs -> fused class scores (N, num_classes, H_f, W_f)."""
        feats = self._transform_inputs(inputs)
        size = max((f.shape[-2:] for f in feats), key=lambda hw: hw[0] * hw[1])
        scores = [
            resize(conv(feat), size=size, mode='bilinear', align_corners=self.align_corners)
            for conv, feat in zip(self.scale_convs, feats)
        ]
        return self.cls_seg(torch.cat(scores, dim=1))
