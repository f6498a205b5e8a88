"""Hold a backend's logits to the torch segmentor's, and its predictions to what is guaranteed.

Two backends (torch and onnxruntime, fp32 and folded BatchNorm, two instruction sets or
thread counts) run the same float32 arithmetic in different orders, so their logits
differ by rounding that grows with the logits' magnitude. A check passes when

    max |logits_backend - logits_torch| <= tolerance * max(1, max |logits_torch|)

The default tolerance, 1e-4, is about 1000 float32 epsilons: measured gaps are 1e-7 to
1e-6 relative (S5-D16 at 64 to 224 pixels), while a graph that is wrong (a frozen size, a
missing normalisation, a misplaced resampling) is off by the order of the logits
themselves.

Predictions are then guaranteed only where rounding cannot reach them. When every logit
of a pixel moves by at most ``d``, its class can change only if the reference's two best
logits are within ``2 d`` of each other (a sigmoid head's one logit within ``d`` of the
threshold's): a *near tie*. Which class wins a near tie depends on the order of the sums,
which differs between processors (AVX-512 against AVX2), libraries and thread counts, so
exact agreement is never held; :func:`class_agreement` counts the near ties and the
*decisive disagreements*, classes that differ where the margin exceeds ``2 d``. Those are
impossible when the logits behind the predictions are within ``d``, so one means that the
predictions did not come from such logits (another model, a wrong resampling, a lost
channel). An untrained network's logits are full of near ties; a trained one's are few.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from .onnx_export import input_channels
from .segmentor_logits import SegmentorLogits

__all__ = [
    'DEFAULT_MAX_NEAR_TIES',
    'DEFAULT_TOLERANCE',
    'ClassAgreement',
    'LogitCheck',
    'class_agreement',
    'compare_logits',
    'pixel_differences',
    'predicted_classes',
    'preprocessed_batch',
]

DEFAULT_TOLERANCE = 1e-4
# The share of pixels that may be near ties before a comparison is called inconclusive.
DEFAULT_MAX_NEAR_TIES = 0.01


@dataclass(frozen=True)
class ClassAgreement:
    """Class maps held to reference logits, given how far the logits behind them may be.

    Attributes:
        pixels: how many pixels were compared.
        disagreements: pixels whose classes differ.
        near_ties: pixels whose reference top-two margin is within ``2 * bound`` (a
            sigmoid head's logit within ``bound`` of its threshold): rounding decides them.
        decisive_disagreements: pixels whose classes differ although they are no near tie.
        bound: the largest |logit difference| allowed for (measured, or a limit; the
            largest pixel's where each pixel had its own).
    """

    pixels: int
    disagreements: int
    near_ties: int
    decisive_disagreements: int
    bound: float

    @property
    def agreement(self) -> float:
        """The share of pixels with the same class."""
        return 1.0 - self.disagreements / max(1, self.pixels)

    def holds(self, max_near_ties: float = DEFAULT_MAX_NEAR_TIES) -> bool:
        """No decisive disagreement, and at most ``max_near_ties`` of the pixels near ties."""
        return self.decisive_disagreements == 0 and self.near_ties <= max_near_ties * self.pixels

    def describe(self) -> str:
        """One line: agreement, near ties and decisive disagreements."""
        return (
            f'predictions agree on {100 * self.agreement:.3f}% of {self.pixels:,} pixels; '
            f'{self.near_ties:,} near ties (top-two margin within twice a logit difference of '
            f'up to {self.bound:.2e}), '
            f'{self.decisive_disagreements:,} decisive disagreements'
        )


def predicted_classes(logits: torch.Tensor, threshold: float | None = None) -> torch.Tensor:
    """Class map (N, H, W) of logits (N, C, H, W): argmax, or sigmoid > threshold for C = 1."""
    if logits.shape[1] == 1:
        return (logits.sigmoid() > (0.5 if threshold is None else threshold)).squeeze(1).long()
    return logits.argmax(dim=1)


def class_agreement(
    reference: torch.Tensor,
    predictions: torch.Tensor,
    bound: float | torch.Tensor,
    threshold: float | None = None,
) -> ClassAgreement:
    """Hold ``predictions`` to the classes of ``reference``, away from near ties.

    Args:
        reference: (N, C, H, W) logits of the reference (log-probabilities serve as well:
            they differ from the logits by one constant per pixel).
        predictions: (N, H, W) class ids of the other backend, whose logits are taken to be
            within ``bound`` of ``reference`` at every pixel and class.
        bound: the largest |logit difference| allowed for, >= 0: one number (a measured
            max, or a limit such as :attr:`LogitCheck.limit`), or (N, H, W), each pixel's
            own max over its classes (:func:`pixel_differences`), which calls fewer pixels
            near ties where the logits are large (bf16 rounds them coarsely).
        threshold: the probability threshold of a sigmoid head (C = 1); default 0.5.

    Returns:
        The counts (``bound`` the largest of a per-pixel bound); a pixel whose reference
        logits are not finite is never a near tie.
    """
    if predictions.shape != reference.shape[:1] + reference.shape[2:]:
        raise ValueError(
            f'predictions {tuple(predictions.shape)} do not match logits {tuple(reference.shape)}'
        )
    bound = torch.as_tensor(bound, dtype=torch.float64).detach().cpu()
    if bound.dim() and bound.shape != predictions.shape:
        raise ValueError(f'a per-pixel bound {tuple(bound.shape)} must be (N, H, W)')
    if bound.numel() and not bool((bound >= 0).all()):
        raise ValueError('bound must be >= 0 (and not NaN) at every pixel')
    reference = reference.detach().cpu()
    expected = predicted_classes(reference, threshold)  # in the reference's own precision
    reference = reference.double()
    predictions = predictions.detach().cpu().long()
    if reference.shape[1] == 1:
        t = 0.5 if threshold is None else threshold
        margin = (reference[:, 0] - math.log(t / (1 - t))).abs()
        near_tie = margin <= bound
    else:
        top2 = reference.topk(2, dim=1).values
        near_tie = (top2[:, 0] - top2[:, 1]) <= 2 * bound
    differ = predictions != expected
    return ClassAgreement(
        pixels=differ.numel(),
        disagreements=int(differ.sum()),
        near_ties=int(near_tie.sum()),
        decisive_disagreements=int((differ & ~near_tie).sum()),
        bound=float(bound.max()) if bound.numel() else 0.0,
    )


def pixel_differences(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Each pixel's max |a - b| over its classes: (N, H, W) of two (N, C, H, W) score tensors."""
    if a.shape != b.shape:
        raise ValueError(f'scores {tuple(a.shape)} and {tuple(b.shape)} differ in shape')
    return (a.double() - b.double()).abs().amax(dim=1)


@dataclass(frozen=True)
class LogitCheck:
    """One batch's comparison of a backend with torch.

    Attributes:
        shape: (N, C, H, W) of the batch.
        max_abs_diff: max |logit difference| over the batch.
        max_abs_logit: max |logit| of torch's output.
        agreement: fraction of pixels with the same predicted class.
        limit: the largest max_abs_diff that passes.
        pixels: N * H * W.
        near_ties: pixels whose torch top-two margin is within 2 * max_abs_diff (see
            :func:`class_agreement`); only these may take another class.
        decisive_disagreements: pixels of another class that are no near tie (always 0
            when the logits were compared; kept so that a report says so).
    """

    shape: tuple[int, int, int, int]
    max_abs_diff: float
    max_abs_logit: float
    agreement: float
    limit: float
    pixels: int
    near_ties: int
    decisive_disagreements: int

    @property
    def passed(self) -> bool:
        return self.max_abs_diff <= self.limit and self.decisive_disagreements == 0

    def holds(self, max_near_ties: float = DEFAULT_MAX_NEAR_TIES) -> bool:
        """Passed, and at most ``max_near_ties`` of the pixels near ties."""
        return self.passed and self.near_ties <= max_near_ties * self.pixels

    def describe(self) -> str:
        """One line: the batch shape, max |logit difference| against its limit, agreement."""
        n, c, h, w = self.shape
        return (
            f'{n}x{c}x{h}x{w}: max |logit difference| {self.max_abs_diff:.2e} '
            f'(limit {self.limit:.2e}), predictions agree on {100 * self.agreement:.3f}% of '
            f'{self.pixels:,} pixels; {self.near_ties:,} near ties (top-two margin within twice '
            f'the difference), {self.decisive_disagreements:,} decisive disagreements'
        )


def preprocessed_batch(
    segmentor: nn.Module, batch_size: int, shape: tuple[int, int], seed: int = 0
) -> torch.Tensor:
    """Random pixel images (0..255) through the segmentor's own data preprocessor.

    Returns:
        (N, C, H, W) float32, exactly what the segmentor's ``predict`` gets.
    """
    from mmseg.structures import SegDataSample

    generator = torch.Generator().manual_seed(seed)
    channels = input_channels(segmentor)
    images = [
        torch.randint(0, 256, (channels, *shape), dtype=torch.uint8, generator=generator)
        for _ in range(batch_size)
    ]
    samples = [SegDataSample(metainfo=dict(img_shape=shape, ori_shape=shape)) for _ in images]
    with torch.no_grad():
        data = segmentor.data_preprocessor(dict(inputs=images, data_samples=samples), False)
    return data['inputs'].cpu()


def compare_logits(
    segmentor: nn.Module,
    backend: Callable[[torch.Tensor], torch.Tensor],
    batch_size: int,
    shape: tuple[int, int],
    tolerance: float = DEFAULT_TOLERANCE,
    seed: int = 0,
) -> LogitCheck:
    """Run torch and ``backend`` on one preprocessed random batch and compare.

    Args:
        segmentor: the torch segmentor, eval mode (its eager forward is the
            reference; it is not changed).
        backend: takes (N, C, H, W) preprocessed, returns logits
            (N, out_channels, H, W), e.g. an :class:`OnnxSegmentor`.
        batch_size, shape: N and (H, W) of the batch.
        tolerance: relative tolerance, see the module docstring.
        seed: of the random images.
    """
    inputs = preprocessed_batch(segmentor, batch_size, shape, seed)
    device = next(segmentor.parameters()).device
    with torch.no_grad():
        expected = SegmentorLogits(segmentor).eval()(inputs.to(device)).float().cpu()
    got = backend(inputs).float().cpu()
    if got.shape != expected.shape:
        raise ValueError(f'backend returned {tuple(got.shape)}, torch {tuple(expected.shape)}')
    threshold = getattr(segmentor.decode_head, 'threshold', None)
    max_abs_diff = float((got - expected).abs().max())
    max_abs_logit = float(expected.abs().max())
    # a difference that is not finite fails the check; no pixel is then called a near tie
    bound = max_abs_diff if math.isfinite(max_abs_diff) else 0.0
    classes = class_agreement(expected, predicted_classes(got, threshold), bound, threshold)
    return LogitCheck(
        shape=tuple(inputs.shape),
        max_abs_diff=max_abs_diff,
        max_abs_logit=max_abs_logit,
        agreement=classes.agreement,
        limit=tolerance * max(1.0, max_abs_logit),
        pixels=classes.pixels,
        near_ties=classes.near_ties,
        decisive_disagreements=classes.decisive_disagreements,
    )
