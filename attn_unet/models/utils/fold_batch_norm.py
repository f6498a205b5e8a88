"""BatchNorm folded into the convolution before it, for inference: one pass less per block.

At eval BatchNorm is an affine map per channel, ``y = (x - mean) / sqrt(var + eps) * gamma +
beta``; after a convolution it folds into the convolution's weight and bias. Only the pairs
whose order is certain are folded: an mmcv ``ConvModule`` whose ``order`` puts ``'conv'``
before ``'norm'`` (every conv-BN block of UNet, AttentionUNet and the FCN heads). A BN that
normalises a sum (the attention gate's joint term) is left as it is.
"""

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

__all__ = ['fold_batch_norm']


@torch.no_grad()
def _folded(conv: nn.Conv2d, bn: nn.modules.batchnorm._BatchNorm) -> nn.Conv2d:
    """A new conv computing ``bn(conv(x))`` at eval, for ``x`` (N, C_in, H, W)."""
    inv_std = torch.rsqrt(bn.running_var + bn.eps)
    scale = bn.weight * inv_std if bn.affine else inv_std
    shift = (bn.bias if bn.affine else 0) - bn.running_mean * scale
    folded = nn.Conv2d(
        conv.in_channels,
        conv.out_channels,
        conv.kernel_size,
        stride=conv.stride,
        padding=conv.padding,
        dilation=conv.dilation,
        groups=conv.groups,
        bias=True,
        padding_mode=conv.padding_mode,
    ).to(device=conv.weight.device, dtype=conv.weight.dtype)
    folded.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1))
    bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
    folded.bias.copy_(bias * scale + shift)
    channels_last = not conv.weight.is_contiguous()  # model_memory_format='channels_last'
    return folded.to(memory_format=torch.channels_last) if channels_last else folded


def fold_batch_norm(model: nn.Module) -> int:
    """Fold every ConvModule's BatchNorm into its convolution, in place; for eval only.

    Args:
        model: a segmentor (or any module) in eval mode; its BN layers must be in eval
            mode, since the folded conv uses the running statistics.

    Returns:
        How many BatchNorm layers were folded (each replaced by ``nn.Identity``).

    Raises:
        ValueError: the model is in training mode.
    """
    if model.training:
        raise ValueError('fold_batch_norm: call model.eval() first (BN folds its running stats)')
    folded = 0
    for module in model.modules():
        if not (isinstance(module, ConvModule) and module.with_norm):
            continue
        norm = module.norm
        conv_first = module.order.index('conv') < module.order.index('norm')
        plain_conv = type(module.conv) is nn.Conv2d
        if conv_first and plain_conv and isinstance(norm, nn.modules.batchnorm._BatchNorm):
            module.conv = _folded(module.conv, norm)
            setattr(module, module.norm_name, nn.Identity())
            folded += 1
    return folded
