"""compare_logits: the check that holds a backend's logits to torch's."""

import pytest
import torch

from attn_unet.deployment import DEFAULT_TOLERANCE, SegmentorLogits, compare_logits

from .conftest import tiny_segmentor


def test_a_model_with_other_weights_fails_the_check():
    model = tiny_segmentor('attn', seed=0)
    other = SegmentorLogits(tiny_segmentor('attn', seed=1))
    with torch.no_grad():
        check = compare_logits(model, other, 2, (16, 24))
    assert not check.passed
    assert check.max_abs_diff > 100 * check.limit and check.agreement < 0.5


@pytest.mark.parametrize(
    'offset, tolerance, passed', [(1e-3, 1e-2, True), (1e-3, 1e-4, False), (0.0, 1e-12, True)]
)
def test_the_limit_is_relative_to_the_largest_logit(offset, tolerance, passed):
    model = tiny_segmentor('unet')
    torch_logits = SegmentorLogits(model)

    def shifted(inputs):
        with torch.no_grad():
            return torch_logits(inputs) + offset

    check = compare_logits(model, shifted, 1, (16, 16), tolerance)
    assert check.limit == pytest.approx(tolerance * max(1.0, check.max_abs_logit))
    assert check.max_abs_diff == pytest.approx(offset, abs=1e-6)
    assert check.passed is passed
    assert 'max |logit difference|' in check.describe() and '1x3x16x16' in check.describe()


def test_a_binary_head_is_compared_by_its_threshold():
    model = tiny_segmentor('attn_sigmoid_head')
    assert model.decode_head.out_channels == 1
    torch_logits = SegmentorLogits(model)

    def flipped(inputs):  # sigmoid(-x) = 1 - sigmoid(x): the mask flips at threshold 0.5
        with torch.no_grad():
            return -torch_logits(inputs)

    check = compare_logits(model, flipped, 1, (16, 16))
    assert check.agreement < 0.05 and not check.passed
    assert DEFAULT_TOLERANCE == 1e-4
