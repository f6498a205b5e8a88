"""Deep supervision with one loss per decoder scale, as in nnU-Net.

nnU-Net (Isensee et al. 2021, Nature Methods 18:203) supervises every decoder
scale with its own loss: scale i (0 = finest) is weighted 1/2^i, the coarsest
scale gets weight 0, and the weights are normalised to sum to 1. Labels are
brought to each scale by nearest-neighbour downsampling, so class ids and the
ignore index stay intact. Only the finest scale predicts.
"""

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.losses import accuracy
from mmseg.models.utils import resize
from mmseg.utils import ConfigType, SampleList
from torch import nn

from attn_unet.registry import MODELS

__all__ = ['PerScaleLossHead', 'per_scale_weights']


def per_scale_weights(num_scales: int, drop_coarsest: bool = True) -> tuple[float, ...]:
    """nnU-Net's loss weights, coarse to fine like the backbone outputs.

    Scale i (0 = finest) weighs 1/2^i; with ``drop_coarsest`` the coarsest
    weighs 0; the weights sum to 1. ``per_scale_weights(4)`` is
    (0, 1/7, 2/7, 4/7).
    """
    weights = [0.5**i for i in reversed(range(num_scales))]
    if drop_coarsest:
        weights[0] = 0.0
    total = sum(weights)
    return tuple(w / total for w in weights)


@MODELS.register_module()
class PerScaleLossHead(BaseDecodeHead):
    """A 1x1 classifier and a weighted loss on every supervised decoder scale.

    Works with any backbone returning several scales (``AttentionUNet``,
    mmseg's ``UNet``, ...). ``input_transform`` is 'multiple_select'.

    Args:
        in_channels: channels of each selected scale, in ``in_index`` order.
        in_index: backbone outputs, coarse to fine (the last one is the finest,
            scale 0, which also predicts); for UNet-S5-D16 ``[1, 2, 3, 4]``.
        drop_coarsest: give the coarsest listed scale weight 0 and no
            classifier, as nnU-Net does. Default: True.
        dropout_ratio: dropout before each classifier. Default 0.
        **kwargs: further ``BaseDecodeHead`` arguments; ``channels`` is set
            here to the finest scale's channels.

    Loss: ``loss_by_feat`` returns, per supervised scale i and loss name L,
    ``L.s{i}`` = w_i * L(scores_i, labels_i), w from :func:`per_scale_weights`,
    labels_i the labels downsampled (nearest) to scale i's size; plus
    ``acc_seg`` of the finest scale. :attr:`scale_weights` holds w, coarse to
    fine.
    """

    def __init__(
        self,
        in_channels: Sequence[int],
        in_index: Sequence[int],
        drop_coarsest: bool = True,
        dropout_ratio: float = 0.0,
        **kwargs,
    ):
        if not isinstance(in_index, Sequence) or len(in_index) < 2 + drop_coarsest:
            raise ValueError(
                f'PerScaleLossHead: in_index must list at least {2 + drop_coarsest} backbone '
                f'outputs (coarse to fine, drop_coarsest={drop_coarsest}), got {in_index!r}'
            )
        super().__init__(
            in_channels,
            channels=in_channels[-1],
            in_index=list(in_index),
            input_transform='multiple_select',
            dropout_ratio=dropout_ratio,
            init_cfg=kwargs.pop(
                'init_cfg', dict(type='Normal', std=0.01, override=dict(name='scale_convs'))
            ),
            **kwargs,
        )
        del self.conv_seg  # the finest scale's classifier is scale_convs[-1]
        self.scale_weights = per_scale_weights(len(in_index), drop_coarsest)
        self.scale_convs = nn.ModuleList(
            nn.Conv2d(channels, self.out_channels, kernel_size=1) if weight > 0 else nn.Identity()
            for channels, weight in zip(self.in_channels, self.scale_weights)
        )

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Backbone outputs -> class scores of the finest scale (N, num_classes, H_0, W_0)."""
        return self._classify(self._transform_inputs(inputs)[-1], self.scale_convs[-1])

    def loss(
        self, inputs: Sequence[torch.Tensor], batch_data_samples: SampleList, train_cfg: ConfigType
    ) -> dict:
        """Weighted losses of every supervised scale (see the class docstring)."""
        feats = self._transform_inputs(inputs)
        scores = [
            self._classify(feat, conv) if weight > 0 else None
            for feat, conv, weight in zip(feats, self.scale_convs, self.scale_weights)
        ]
        return self.loss_by_feat(scores, batch_data_samples)

    def loss_by_feat(self, seg_logits: Sequence[torch.Tensor | None], batch_data_samples) -> dict:
        """Scores per scale, coarse to fine (None where unsupervised) -> loss dict."""
        labels = self._stack_batch_gt(batch_data_samples)
        losses_decode = (
            self.loss_decode if isinstance(self.loss_decode, nn.ModuleList) else [self.loss_decode]
        )
        losses = {}
        num_scales = len(seg_logits)
        for position, (scores, weight) in enumerate(zip(seg_logits, self.scale_weights)):
            if scores is None:
                continue
            scale = num_scales - 1 - position
            scale_labels = _downsample_labels(labels, scores.shape[-2:]).squeeze(1)
            for loss_decode in losses_decode:
                key = f'{loss_decode.loss_name}.s{scale}'
                value = weight * loss_decode(
                    scores, scale_labels, weight=None, ignore_index=self.ignore_index
                )
                losses[key] = losses[key] + value if key in losses else value
        finest = resize(
            seg_logits[-1],
            size=labels.shape[-2:],
            mode='bilinear',
            align_corners=self.align_corners,
        )
        losses['acc_seg'] = accuracy(finest, labels.squeeze(1), ignore_index=self.ignore_index)
        return losses

    def _classify(self, feat: torch.Tensor, conv: nn.Module) -> torch.Tensor:
        if self.dropout is not None:
            feat = self.dropout(feat)
        return conv(feat)


def _downsample_labels(labels: torch.Tensor, size: torch.Size) -> torch.Tensor:
    """Labels (N, 1, H, W) -> (N, 1, h, w) by nearest neighbour; ids stay ids."""
    if labels.shape[-2:] == size:
        return labels
    return F.interpolate(labels.float(), size=size, mode='nearest').to(labels.dtype)
