"""Specification of the authors' fused deep-supervision head (FusedDSVHead)."""

import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope

from attn_unet.models.decode_heads import FusedDSVHead
from attn_unet.registry import MODELS

from .conftest import NUM_CLASSES, seg_batch, segmentor_cfg

HEAD = dict(
    type='FusedDSVHead',
    in_channels=[16, 8, 4],
    in_index=[0, 1, 2],
    num_classes=NUM_CLASSES,
    loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
)


def test_scores_of_every_scale_are_upsampled_and_fused():
    torch.manual_seed(0)
    head = FusedDSVHead(**{k: v for k, v in HEAD.items() if k != 'type'}).eval()
    feats = [torch.randn(2, 16, 4, 6), torch.randn(2, 8, 8, 12), torch.randn(2, 4, 16, 24)]
    out = head(feats)
    assert out.shape == (2, NUM_CLASSES, 16, 24)
    assert head.conv_seg.in_channels == 3 * NUM_CLASSES
    scores = [
        torch.nn.functional.interpolate(conv(f), size=(16, 24), mode='bilinear')
        for conv, f in zip(head.scale_convs, feats)
    ]
    torch.testing.assert_close(out, head.conv_seg(torch.cat(scores, dim=1)))


@pytest.mark.parametrize('backbone_type', ['AttentionUNet', 'UNet'])
def test_every_scale_learns_and_predicts_full_size(backbone_type):
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmseg'):
        segmentor = MODELS.build(segmentor_cfg(backbone_type, HEAD))
    segmentor.init_weights()
    data = segmentor.data_preprocessor(seg_batch(2, 32), True)
    losses = segmentor.loss(data['inputs'], data['data_samples'])
    assert set(losses) == {'decode.loss_ce', 'decode.acc_seg'}
    losses['decode.loss_ce'].backward()
    for i, conv in enumerate(segmentor.decode_head.scale_convs):
        assert conv.weight.grad.abs().max() > 0, f'scale {i} gets no gradient'
    for i, stage in enumerate(segmentor.backbone.decoder):
        assert all(p.grad is not None for p in stage.parameters()), f'decoder {i}'

    segmentor.train_step(seg_batch(2, 32), OptimWrapper(torch.optim.SGD(segmentor.parameters())))
    segmentor.eval()
    for result in segmentor.test_step(seg_batch(1, 48)):
        assert result.seg_logits.data.shape == (NUM_CLASSES, 48, 48)
        assert result.pred_sem_seg.data.shape == (1, 48, 48)


@pytest.mark.parametrize('in_index', [[2], 2])
def test_needs_several_scales(in_index):
    with pytest.raises(ValueError, match='at least two'):
        FusedDSVHead(in_channels=[4], in_index=in_index, num_classes=3)
