"""BatchNorm folded into the convolution before it computes the same function at eval."""

import pytest
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule

from attn_unet.models import AttentionUNet
from attn_unet.models.utils import fold_batch_norm

# folded and unfolded are two computations of one function: equal to a tolerance
pytestmark = pytest.mark.kernels


def _randomise_bn(model):
    torch.manual_seed(0)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-1, 1)
            module.running_var.uniform_(0.5, 2)
            if module.affine:
                module.weight.data.uniform_(0.5, 1.5)
                module.bias.data.uniform_(-0.5, 0.5)
    return model.eval()


@pytest.mark.parametrize(
    'kwargs, folded',
    [
        (dict(norm_cfg=dict(type='BN')), 1),
        (dict(norm_cfg=dict(type='BN'), bias=True), 1),
        (dict(norm_cfg=dict(type='BN'), order=('norm', 'conv', 'act')), 0),  # BN before conv
        (dict(norm_cfg=None), 0),
        (dict(norm_cfg=dict(type='BN', affine=False)), 1),
    ],
)
def test_conv_module(kwargs, folded):
    module = _randomise_bn(ConvModule(3, 4, 3, padding=1, **kwargs))
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        expected = module(x)
        assert fold_batch_norm(module) == folded
        torch.testing.assert_close(module(x), expected, rtol=1e-5, atol=1e-5)
    remaining = any(isinstance(m, nn.BatchNorm2d) for m in module.modules())
    assert remaining == (folded == 0 and kwargs['norm_cfg'] is not None)


@pytest.mark.parametrize('channels_last', [False, True])
def test_attention_unet_keeps_its_output_and_memory_format(channels_last):
    s4 = dict(num_stages=4, strides=(1,) * 4, downsamples=(True,) * 3, enc_num_convs=(2,) * 4,
              dec_num_convs=(2,) * 3, enc_dilations=(1,) * 4, dec_dilations=(1,) * 3)  # fmt: skip
    backbone = _randomise_bn(AttentionUNet(base_channels=4, **s4))
    x = torch.randn(1, 3, 32, 32)
    if channels_last:
        backbone.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        expected = backbone(x)
        folded = fold_batch_norm(backbone)
        outputs = backbone(x)
    # every conv-BN pair of encoder and decoder; the gates' joint BN (a sum) stays
    total = sum(isinstance(m, ConvModule) and m.with_norm for m in backbone.modules())
    assert folded == total > 0
    assert sum(isinstance(m, nn.BatchNorm2d) for m in backbone.modules()) == 2  # 2 gates
    for got, want in zip(outputs, expected):
        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-5)
    convs = [m.conv for m in backbone.modules() if isinstance(m, ConvModule)]
    memory_format = torch.channels_last if channels_last else torch.contiguous_format
    assert all(c.weight.is_contiguous(memory_format=memory_format) for c in convs)


def test_training_mode_is_refused():
    with pytest.raises(ValueError, match='model.eval'):
        fold_batch_norm(ConvModule(3, 4, 3, norm_cfg=dict(type='BN')))
