"""One fused reduction tells whether weights are finite; the exact pass names the tensor."""

import pytest
import torch
import torch.nn as nn

from attn_unet.checkpoints import all_finite, first_non_finite, floating_tensors
from attn_unet.engine.hooks import non_finite_weight


def _model():
    return nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.Conv2d(3, 1, 1).double())


def test_floating_tensors_are_the_models_own_in_state_dict_names():
    model = _model()
    named = dict(floating_tensors(model))
    expected = {k for k, v in model.state_dict().items() if v.is_floating_point()}
    assert set(named) == expected and '1.num_batches_tracked' not in named
    named['1.running_var'].fill_(3.0)  # the same storage: later in-place updates are seen
    assert model[1].running_var.eq(3.0).all()


@pytest.mark.parametrize(
    'tensor, value, expected',
    [
        (None, None, None),
        ('0.weight', float('nan'), ('0.weight', 'nan')),
        ('1.running_var', float('inf'), ('1.running_var', 'inf')),
        ('2.bias', float('-inf'), ('2.bias', 'inf')),  # float64, a group of its own
        ('0.bias', 1e30, None),  # the norm overflows; the exact pass clears it
    ],
)
def test_non_finite_weight(tensor, value, expected):
    model = _model()
    if tensor:
        model.state_dict()[tensor].view(-1)[0] = value
    assert non_finite_weight(model) == expected
    assert all_finite(t for _, t in floating_tensors(model)) == (tensor is None)


def test_first_non_finite_skips_integer_and_non_tensor_values():
    assert first_non_finite({'n': torch.tensor([3]), 'meta': 'x', 'w': torch.ones(2)}) is None
