"""ClassMeanDiceLoss: softmax, one Dice per class averaged over classes, ignored pixels out."""

import pytest
import torch
from mmengine.structures import PixelData

import attn_unet  # noqa: F401  (stands in for mmcv._ext, so mmseg imports with mmcv-lite)

# isort: split
from mmseg.models.losses import DiceLoss
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from attn_unet.models.losses import ClassMeanDiceLoss

CONFIDENT = 20.0


def confident_logits(pred_label: torch.Tensor, num_classes: int) -> torch.Tensor:
    """(N, C, H, W) logits whose softmax is (almost) the one-hot of ``pred_label`` (N, H, W)."""
    one_hot = torch.nn.functional.one_hot(pred_label, num_classes).permute(0, 3, 1, 2)
    return CONFIDENT * (2 * one_hot.float() - 1)


def test_registered_with_mmseg_name_and_weight():
    loss = MODELS.build(dict(type='ClassMeanDiceLoss', loss_weight=0.5))
    assert isinstance(loss, ClassMeanDiceLoss)
    assert loss.loss_name == 'loss_dice'
    logits = torch.randn(2, 3, 4, 4)
    label = torch.randint(0, 3, (2, 4, 4))
    assert torch.allclose(loss(logits, label), 0.5 * ClassMeanDiceLoss()(logits, label))


def test_uniform_prediction_matches_hand_computation():
    # Zero logits, 2 classes: p = 1/2 everywhere; label [0, 1].
    # Per class: I = 1/2, P = 2 * 1/4 = 1/2, T = 1 -> D = 1 / 1.5 = 2/3, loss = 1/3.
    logits = torch.zeros(1, 2, 1, 2)
    label = torch.tensor([[[0, 1]]])
    assert ClassMeanDiceLoss(smooth=0.0)(logits, label).item() == pytest.approx(1 / 3)


def test_softmax_not_sigmoid():
    # Adding a constant to every class score of a pixel leaves softmax unchanged, not sigmoid.
    logits = torch.randn(2, 4, 6, 6)
    label = torch.randint(0, 4, (2, 6, 6))
    shifted = logits + 3.0 * torch.randn(2, 1, 6, 6)
    loss = ClassMeanDiceLoss()
    assert torch.allclose(loss(logits, label), loss(shifted, label), atol=1e-6)
    sigmoid_dice = DiceLoss(use_sigmoid=True, ignore_index=None)
    assert not torch.allclose(sigmoid_dice(logits, label), sigmoid_dice(shifted, label))


def _small_organ_case(miss_small_organ: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """A 32x32 slice: background, a large organ (class 1) and a 2x2 small organ (class 2).

    The prediction is perfect except for 4 pixels: either the whole small organ is
    called background, or 4 background pixels are called large organ.
    """
    label = torch.zeros(1, 32, 32, dtype=torch.long)
    label[:, 4:20, 4:20] = 1
    label[:, 26:28, 26:28] = 2
    pred = label.clone()
    if miss_small_organ:
        pred[:, 26:28, 26:28] = 0
    else:
        pred[:, 20:22, 4:6] = 1
    return confident_logits(pred, 3), label


def test_small_organ_counts_as_much_as_a_large_one():
    missed_organ = _small_organ_case(miss_small_organ=True)
    large_organ_error = _small_organ_case(miss_small_organ=False)
    ours = ClassMeanDiceLoss()
    pooled = DiceLoss(use_sigmoid=False, ignore_index=None)
    # mmseg pools all classes and pixels: 4 wrong pixels cost the same wherever they are.
    assert abs(pooled(*missed_organ) - pooled(*large_organ_error)) < 0.01
    assert pooled(*missed_organ) < 0.01
    # Per-class Dice: missing the small organ costs its whole Dice, 1/3 of the mean.
    assert ours(*missed_organ).item() == pytest.approx(1 / 3, abs=0.01)
    assert ours(*large_organ_error) < 0.05
    assert ours(*missed_organ) - ours(*large_organ_error) > 0.25


@pytest.mark.parametrize('ignore_index', [255, 2])
def test_ignored_pixels_change_nothing(ignore_index):
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 8, 8)
    label = torch.randint(0, 4, (2, 8, 8))
    label[:, :3] = ignore_index if ignore_index == 255 else label[:, :3]
    ignored = label == ignore_index
    assert ignored.any() and not ignored.all()
    scrambled = torch.where(ignored.unsqueeze(1), 50 * torch.randn(logits.shape), logits)
    loss = ClassMeanDiceLoss()
    assert torch.allclose(
        loss(logits, label, ignore_index=ignore_index),
        loss(scrambled, label, ignore_index=ignore_index),
    )
    # mmseg's DiceLoss lets ignored pixels count (it drops a class channel instead).
    mmseg_dice = DiceLoss(use_sigmoid=False, ignore_index=ignore_index)
    assert not torch.allclose(mmseg_dice(logits, label), mmseg_dice(scrambled, label))


def test_ignored_pixels_get_no_gradient_and_zero_weight_acts_like_ignore():
    logits = torch.randn(1, 3, 6, 6, requires_grad=True)
    label = torch.randint(0, 3, (1, 6, 6))
    label[0, 0] = 255
    ClassMeanDiceLoss()(logits, label).backward()
    assert torch.all(logits.grad[0, :, 0] == 0)
    assert torch.all(logits.grad[0, :, 1:].abs().sum(0) > 0)
    weight = (label != 255).float()
    unignored = torch.where(label == 255, 0, label)
    assert torch.allclose(
        ClassMeanDiceLoss()(logits, unignored, weight=weight), ClassMeanDiceLoss()(logits, label)
    )


@pytest.mark.parametrize('num_classes', [2, 9])
def test_perfect_prediction_is_zero(num_classes):
    label = torch.randint(0, num_classes, (2, 16, 16))
    label[0, 0, 0] = 255
    logits = confident_logits(label.clamp(max=num_classes - 1), num_classes)
    assert ClassMeanDiceLoss()(logits, label) < 1e-5


def test_gradients_flow_through_a_decode_head():
    # The calling convention of mmseg decode heads: loss_decode(seg_logit, seg_label,
    # weight=..., ignore_index=...), summed by loss_name.
    head = MODELS.build(
        dict(
            type='FCNHead',
            in_channels=4,
            channels=4,
            num_convs=1,
            num_classes=3,
            loss_decode=[
                dict(type='CrossEntropyLoss', loss_weight=0.5),
                dict(type='ClassMeanDiceLoss', loss_weight=0.5),
            ],
        )
    )
    samples = []
    for _ in range(2):
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=torch.randint(0, 3, (1, 8, 8)))
        samples.append(sample)
    losses = head.loss([torch.randn(2, 4, 8, 8)], samples, train_cfg=None)
    assert {'loss_ce', 'loss_dice'} <= set(losses)
    sum(v for k, v in losses.items() if k.startswith('loss_')).backward()
    for name, param in head.named_parameters():
        assert param.grad is not None and torch.isfinite(param.grad).all(), name
    assert head.conv_seg.weight.grad.abs().sum() > 0
