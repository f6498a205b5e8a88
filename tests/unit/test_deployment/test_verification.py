"""compare_logits: the check that holds a backend's logits to torch's."""

import pytest
import torch

from attn_unet.deployment import (
    DEFAULT_TOLERANCE,
    SegmentorLogits,
    class_agreement,
    compare_logits,
    pixel_differences,
    predicted_classes,
)

from .conftest import tiny_segmentor


def test_a_model_with_other_weights_fails_the_check():
    model = tiny_segmentor('attn', seed=0)
    other = SegmentorLogits(tiny_segmentor('attn', seed=1))
    with torch.no_grad():
        check = compare_logits(model, other, 2, (16, 24))
    assert not check.passed and not check.holds()
    assert check.max_abs_diff > 100 * check.limit and check.agreement < 0.5
    # other weights: many near ties within so large a difference, every flip among them
    assert check.near_ties > 0.5 * check.pixels and check.decisive_disagreements == 0


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


def _logits(*pixels):
    """(1, C, 1, P) logits from P pixels' class scores."""
    return torch.tensor(pixels, dtype=torch.float32).T.reshape(1, len(pixels[0]), 1, -1)


def test_a_near_tie_may_flip_and_a_decided_pixel_may_not():
    # margins 0.5 (decided for bound 0.1), 0.15 (a near tie: within 2 x 0.1), 0.0 (a tie)
    reference = _logits([2.0, 1.5, 0.0], [1.0, 1.15, 0.0], [0.3, 0.3, -1.0])
    agreeing = torch.tensor([[[0, 1, 0]]])
    check = class_agreement(reference, agreeing, bound=0.1)
    assert (check.pixels, check.disagreements, check.near_ties) == (3, 0, 2)
    assert check.decisive_disagreements == 0 and check.agreement == 1.0
    assert not check.holds() and check.holds(max_near_ties=2 / 3)  # 2 of 3 near ties
    flipped_ties = class_agreement(reference, torch.tensor([[[0, 0, 1]]]), bound=0.1)
    assert flipped_ties.disagreements == 2 and flipped_ties.decisive_disagreements == 0
    flipped_decided = class_agreement(reference, torch.tensor([[[1, 1, 0]]]), bound=0.1)
    assert flipped_decided.decisive_disagreements == 1 and not flipped_decided.holds(1.0)
    # the same flip is a near tie once the logits may differ by 0.25
    assert class_agreement(reference, torch.tensor([[[1, 1, 0]]]), 0.25).decisive_disagreements == 0
    assert '1 decisive disagreements' in flipped_decided.describe()


def test_a_binary_head_is_decided_by_the_distance_to_its_threshold():
    # logit(0.8) = log 4 = 1.386: 1.3 is within 0.1 of it, 0.0 and 3.0 are not
    reference = torch.tensor([0.0, 1.3, 3.0]).reshape(1, 1, 1, 3)
    assert predicted_classes(reference, 0.8).tolist() == [[[0, 0, 1]]]
    check = class_agreement(reference, torch.tensor([[[0, 1, 1]]]), bound=0.1, threshold=0.8)
    assert (check.disagreements, check.near_ties, check.decisive_disagreements) == (1, 1, 0)
    check = class_agreement(reference, torch.tensor([[[1, 0, 1]]]), bound=0.1, threshold=0.8)
    assert check.decisive_disagreements == 1


def test_non_finite_logits_are_never_near_ties_and_shapes_must_match():
    reference = _logits([float('nan'), 0.0], [1.0, 0.0])
    check = class_agreement(reference, torch.tensor([[[1, 0]]]), bound=1.0)
    assert check.near_ties == 1 and check.decisive_disagreements == 1  # the NaN pixel
    with pytest.raises(ValueError, match='do not match'):
        class_agreement(reference, torch.zeros(1, 2, 2, dtype=torch.long), bound=0.1)
    with pytest.raises(ValueError, match='bound must be >= 0'):
        class_agreement(reference, torch.tensor([[[0, 0]]]), bound=float('nan'))
    with pytest.raises(ValueError, match=r'per-pixel bound \(2,\) must be \(N, H, W\)'):
        class_agreement(reference, torch.tensor([[[0, 0]]]), bound=torch.zeros(2))


def test_each_pixel_may_have_its_own_bound():
    # margins 0.5 and 0.5; the first pixel's logits moved by up to 0.3, the second's by 0.01
    reference = _logits([2.0, 1.5], [1.0, 0.5])
    other = reference + torch.tensor([[[[0.0, 0.01]], [[0.3, 0.0]]]])
    bound = pixel_differences(reference, other)
    assert torch.allclose(bound, torch.tensor([[[0.3, 0.01]]], dtype=torch.float64))
    check = class_agreement(reference, torch.tensor([[[1, 1]]]), bound)
    # the first flip is a near tie (0.5 <= 2 x 0.3), the second is decisive (0.5 > 2 x 0.01)
    assert (check.near_ties, check.decisive_disagreements) == (1, 1)
    assert check.bound == pytest.approx(0.3)
    assert class_agreement(reference, torch.tensor([[[1, 1]]]), 0.3).decisive_disagreements == 0


def test_a_backend_within_rounding_is_checked_by_near_ties():
    model = tiny_segmentor('attn')
    torch_logits = SegmentorLogits(model)

    def nudged(inputs):  # a near tie's class may change, nothing else
        with torch.no_grad():
            logits = torch_logits(inputs)
        return logits + 1e-6 * torch.randn(logits.shape, generator=torch.Generator().manual_seed(0))

    check = compare_logits(model, nudged, 2, (16, 24))
    assert check.passed and check.pixels == 2 * 16 * 24 and check.decisive_disagreements == 0
    assert check.near_ties <= 0.01 * check.pixels and check.holds()
    assert f'{check.near_ties:,} near ties' in check.describe()
