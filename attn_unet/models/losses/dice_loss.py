"""The Dice loss of the Synapse multi-organ CT protocol, one Dice per class.

TransUNet (Chen et al. 2021, arXiv 2102.04306) and Swin-Unet (Cao et al. 2021,
arXiv 2105.05537) train with ``0.5 * CE + 0.5 * Dice`` where the Dice term is
computed on softmax probabilities, once per class over the whole batch, and
averaged over classes, so that the pancreas counts as much as the liver.

mmseg 1.2.2's ``DiceLoss`` computes something else: it defaults to sigmoid, and
with ``use_sigmoid=False`` it flattens every class and pixel of an image into a
single Dice (dominated by background and large organs), and it drops
``ignore_index`` as a class *channel* while ignored pixels still count.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

from attn_unet.registry import MODELS

__all__ = ['ClassMeanDiceLoss']


@MODELS.register_module()
class ClassMeanDiceLoss(nn.Module):
    """Softmax Dice loss, one soft Dice per class, averaged over classes.

    With ``p = softmax(seg_logit)`` (N, C, H, W), ``t`` the one-hot label and
    ``m`` the mask of counted pixels (label != ``ignore_index``, times the
    optional per-pixel ``weight``), the loss is exactly::

        I_c   = sum_{n,h,w} m * p_c * t_c          (whole batch, one sum per class)
        P_c   = sum_{n,h,w} m * p_c ** 2
        T_c   = sum_{n,h,w} m * t_c ** 2
        D_c   = (2 * I_c + smooth) / (P_c + T_c + smooth)
        loss  = loss_weight * mean_c (1 - D_c)      over all C classes, background included

    This is the reduction of TransUNet's ``DiceLoss`` (squared denominator,
    ``smooth=1e-5``, batch-level sums, plain mean over classes). A class absent
    from both prediction and label has ``D_c = 1`` and adds nothing.
    Ignored pixels leave every sum, so their logits get no gradient from this loss.

    Args:
        loss_weight: Factor applied to the loss. Defaults to 1.0.
        smooth: Added to the numerator and denominator of every class Dice.
            Defaults to 1e-5.
        loss_name: Name of the loss item in the loss dict; it must start with
            ``loss_`` to be back-propagated. Defaults to ``'loss_dice'``.
    """

    def __init__(
        self, loss_weight: float = 1.0, smooth: float = 1e-5, loss_name: str = 'loss_dice'
    ) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.smooth = smooth
        self._loss_name = loss_name

    def forward(
        self,
        seg_logit: torch.Tensor,
        seg_label: torch.Tensor,
        weight: torch.Tensor | None = None,
        ignore_index: int | None = 255,
        **kwargs,
    ) -> torch.Tensor:
        """The loss, a scalar.

        Args:
            seg_logit (N, C, H, W): Unnormalised class scores.
            seg_label (N, H, W): Class ids in ``[0, C)`` or ``ignore_index``.
            weight (N, H, W): Optional per-pixel weights (e.g. from a pixel
                sampler); they multiply each pixel's share of every sum.
            ignore_index: Label of pixels excluded from all sums; None counts
                every pixel. Defaults to 255, what decode heads pass.
            **kwargs: Other arguments of mmseg's loss calling convention
                (``avg_factor``, ``reduction_override``); the loss is already
                a batch-level scalar, so they do not apply and are ignored.

        Returns:
            The weighted class-mean Dice loss, shape ().
        """
        num_classes = seg_logit.shape[1]
        probs = seg_logit.softmax(dim=1)
        counted = torch.ones_like(seg_label, dtype=probs.dtype)
        if ignore_index is not None:
            counted = (seg_label != ignore_index).to(probs.dtype)
            seg_label = torch.where(seg_label == ignore_index, 0, seg_label)
        if weight is not None:
            counted = counted * weight.to(probs.dtype)
        one_hot = F.one_hot(seg_label.long(), num_classes).permute(0, 3, 1, 2).to(probs.dtype)
        mask = counted.unsqueeze(1)
        sum_dims = (0, 2, 3)
        intersection = (mask * probs * one_hot).sum(sum_dims)
        pred_sum = (mask * probs * probs).sum(sum_dims)
        label_sum = (mask * one_hot).sum(sum_dims)
        dice = (2 * intersection + self.smooth) / (pred_sum + label_sum + self.smooth)
        return self.loss_weight * (1 - dice).mean()

    @property
    def loss_name(self) -> str:
        """Name of the loss item; ``loss_`` prefixed items are back-propagated."""
        return self._loss_name
