"""make_shape_generic: every scale-factor Upsample swapped for a twin with identical outputs."""

import copy

import pytest
import torch
from mmseg.models.utils import Upsample

from attn_unet.deployment import ScaleFactorUpsample, SegmentorLogits, make_shape_generic

from .conftest import RATE

# Sizes a rate-4 backbone takes, odd multiples of the rate included (5 x 4, 3 x 4, 7 x 4).
SIZES = [(32, 64), (20, 12), (12, 28), (4, 4), (36, 44)]


@pytest.mark.parametrize('scale_factor', [2, 1.5, 3.0, 0.5])
@pytest.mark.parametrize(
    'mode, align_corners', [('bilinear', False), ('bilinear', True), ('nearest', None)]
)
@pytest.mark.parametrize('size', [(7, 5), (12, 20), (3, 9)])
def test_the_twin_matches_mmseg_upsample_bit_for_bit(scale_factor, mode, align_corners, size):
    upsample = Upsample(scale_factor=scale_factor, mode=mode, align_corners=align_corners)
    x = torch.randn(2, 3, *size, generator=torch.Generator().manual_seed(0))
    twin = ScaleFactorUpsample.from_upsample(upsample)
    expected = upsample(x)
    assert torch.equal(twin(x), expected)
    assert expected.shape[-2:] == tuple(int(t * scale_factor) for t in size)


def test_segmentor_logits_unchanged_at_every_size(segmentor):
    name, model = segmentor
    generic = copy.deepcopy(model)
    make_shape_generic(generic)
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for height, width in SIZES:
            assert height % RATE == 0 and width % RATE == 0
            inputs = torch.randn(2, 3, height, width, generator=generator)
            before = SegmentorLogits(model)(inputs)
            after = SegmentorLogits(generic)(inputs)
            assert after.shape == (2, model.decode_head.out_channels, height, width)
            assert torch.equal(before, after), (name, height, width)


def test_every_scale_factor_upsample_is_swapped_once(segmentor):
    _, model = segmentor
    model = copy.deepcopy(model)
    # One InterpConv (Upsample + conv) per decoder stage: 2 in the 3-stage UNets.
    assert sum(isinstance(m, Upsample) for m in model.modules()) == 2
    assert make_shape_generic(model) == 2
    assert not any(isinstance(m, Upsample) for m in model.modules())
    assert sum(isinstance(m, ScaleFactorUpsample) for m in model.modules()) == 2
    assert make_shape_generic(model) == 0
    # no parameter or buffer was added or lost
    assert model.state_dict().keys() == segmentor[1].state_dict().keys()


def test_a_fixed_size_upsample_is_left_alone():
    model = torch.nn.Sequential(Upsample(size=(8, 8), mode='nearest'), Upsample(scale_factor=2))
    assert make_shape_generic(model) == 1
    assert isinstance(model[0], Upsample) and isinstance(model[1], ScaleFactorUpsample)
