"""Specification of nnU-Net-style deep supervision (PerScaleLossHead)."""

import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import DefaultScope

from attn_unet.models.decode_heads import PerScaleLossHead, per_scale_weights
from attn_unet.registry import MODELS

from .conftest import NUM_CLASSES, seg_batch, segmentor_cfg

HEAD = dict(
    type='PerScaleLossHead',
    in_channels=[16, 8, 4],
    in_index=[0, 1, 2],
    num_classes=NUM_CLASSES,
    loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
)


@pytest.mark.parametrize(
    'num_scales, drop_coarsest, weights',
    [
        (4, True, (0, 1 / 7, 2 / 7, 4 / 7)),  # nnU-Net: 1, 1/2, 1/4, (1/8 dropped), normalised
        (3, True, (0, 1 / 3, 2 / 3)),
        (3, False, (1 / 7, 2 / 7, 4 / 7)),
    ],
)
def test_documented_weights(num_scales, drop_coarsest, weights):
    assert per_scale_weights(num_scales, drop_coarsest) == pytest.approx(weights)


def head_kwargs(**overrides) -> dict:
    return {k: v for k, v in dict(HEAD, **overrides).items() if k != 'type'}


@pytest.mark.parametrize('drop_coarsest', [True, False])
def test_losses_are_weighted_per_scale_on_nearest_labels(drop_coarsest):
    torch.manual_seed(0)
    head = PerScaleLossHead(**head_kwargs(drop_coarsest=drop_coarsest))
    feats = [
        torch.randn(2, 16, 4, 4, requires_grad=True),
        torch.randn(2, 8, 8, 8, requires_grad=True),
        torch.randn(2, 4, 16, 16, requires_grad=True),
    ]
    batch = seg_batch(2, 16)['data_samples']
    batch[0].gt_sem_seg.data[0, 0, :] = 255  # ignored pixels survive the downsampling
    labels = torch.stack([s.gt_sem_seg.data for s in batch])

    losses = head.loss(feats, batch, train_cfg={})

    weights = per_scale_weights(3, drop_coarsest)
    expected_keys = {f'loss_ce.s{2 - i}' for i, w in enumerate(weights) if w > 0}
    assert set(losses) == expected_keys | {'acc_seg'}
    for i, (feat, conv, weight) in enumerate(zip(feats, head.scale_convs, weights)):
        if weight == 0:
            assert isinstance(conv, torch.nn.Identity)
            continue
        small = F.interpolate(labels.float(), size=feat.shape[-2:], mode='nearest').long()
        # mmseg's CrossEntropyLoss (avg_non_ignore=False) averages over every pixel
        per_pixel = F.cross_entropy(conv(feat), small[:, 0], ignore_index=255, reduction='none')
        unweighted = per_pixel.mean()
        torch.testing.assert_close(losses[f'loss_ce.s{2 - i}'], weight * unweighted)
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    for i, (feat, weight) in enumerate(zip(feats, weights)):
        assert (feat.grad is not None) == (weight > 0), f'scale {2 - i}'


@pytest.mark.parametrize('backbone_type', ['AttentionUNet', 'UNet'])
def test_every_scale_learns_in_a_segmentor_and_predicts_full_size(backbone_type):
    torch.manual_seed(0)
    head = dict(HEAD, drop_coarsest=False)
    with DefaultScope.overwrite_default_scope('mmseg'):
        segmentor = MODELS.build(segmentor_cfg(backbone_type, head))
    segmentor.init_weights()
    data = segmentor.data_preprocessor(seg_batch(2, 32), True)
    losses = segmentor.loss(data['inputs'], data['data_samples'])
    assert {'decode.loss_ce.s0', 'decode.loss_ce.s1', 'decode.loss_ce.s2'} <= set(losses)
    log_vars = segmentor.parse_losses(losses)[1]
    torch.testing.assert_close(
        log_vars['loss'], sum(losses[f'decode.loss_ce.s{i}'] for i in range(3)).detach()
    )
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    for i, conv in enumerate(segmentor.decode_head.scale_convs):
        assert conv.weight.grad.abs().max() > 0, f'scale classifier {i} gets no gradient'

    segmentor.eval()
    for result in segmentor.test_step(seg_batch(1, 48)):
        assert result.seg_logits.data.shape == (NUM_CLASSES, 48, 48)
        assert result.pred_sem_seg.data.shape == (1, 48, 48)


def test_predicts_from_the_finest_scale():
    torch.manual_seed(0)
    head = PerScaleLossHead(**head_kwargs()).eval()
    feats = [torch.randn(1, 16, 4, 4), torch.randn(1, 8, 8, 8), torch.randn(1, 4, 16, 16)]
    torch.testing.assert_close(head(feats), head.scale_convs[-1](feats[-1]))


@pytest.mark.parametrize('in_index, drop_coarsest', [([0, 1], True), ([1], False), (1, False)])
def test_needs_enough_scales(in_index, drop_coarsest):
    with pytest.raises(ValueError, match='at least'):
        PerScaleLossHead(
            in_channels=[8, 4][: len(in_index) if isinstance(in_index, list) else 1],
            in_index=in_index,
            num_classes=3,
            drop_coarsest=drop_coarsest,
        )
