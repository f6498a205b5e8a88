"""Hold a backend's logits to the torch segmentor's on the same preprocessed batch.

The two run the same float32 arithmetic in different orders (onnxruntime folds
BN into the convolutions and uses its own kernels), so their logits differ by
rounding that grows with the logits' magnitude. A check passes when

    max |logits_backend - logits_torch| <= tolerance * max(1, max |logits_torch|)

The default tolerance, 1e-4, is about 1000 float32 epsilons: measured gaps
are 1e-7 to 1e-6 relative (S5-D16 at 64 to 224 pixels), while a graph that is
wrong (a frozen size, a missing normalisation, a misplaced resampling) is off
by the order of the logits themselves. Predictions (argmax, or the sigmoid
threshold of a binary head) can then only differ at pixels whose top two
scores are within twice that limit; their agreement is reported, not held.
"""

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from .onnx_export import input_channels
from .segmentor_logits import SegmentorLogits

__all__ = ['DEFAULT_TOLERANCE', 'LogitCheck', 'compare_logits', 'preprocessed_batch']

DEFAULT_TOLERANCE = 1e-4


@dataclass(frozen=True)
class LogitCheck:
    """One batch's comparison of a backend with torch.

    Attributes:
        shape: (N, C, H, W) of the batch.
        max_abs_diff: max |logit difference| over the batch.
        max_abs_logit: max |logit| of torch's output.
        agreement: fraction of pixels with the same predicted class.
        limit: the largest max_abs_diff that passes.
    """

    shape: tuple[int, int, int, int]
    max_abs_diff: float
    max_abs_logit: float
    agreement: float
    limit: float

    @property
    def passed(self) -> bool:
        return self.max_abs_diff <= self.limit

    def describe(self) -> str:
        """One line: the batch shape, max |logit difference| against its limit, agreement."""
        n, c, h, w = self.shape
        return (
            f'{n}x{c}x{h}x{w}: max |logit difference| {self.max_abs_diff:.2e} '
            f'(limit {self.limit:.2e}), predictions agree on {100 * self.agreement:.3f}% of '
            'pixels'
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
    max_abs_logit = float(expected.abs().max())
    return LogitCheck(
        shape=tuple(inputs.shape),
        max_abs_diff=float((got - expected).abs().max()),
        max_abs_logit=max_abs_logit,
        agreement=float(
            (_predictions(got, threshold) == _predictions(expected, threshold)).float().mean()
        ),
        limit=tolerance * max(1.0, max_abs_logit),
    )


def _predictions(logits: torch.Tensor, threshold: float | None) -> torch.Tensor:
    """Class map (N, H, W): argmax, or sigmoid > threshold for one output channel."""
    if logits.shape[1] == 1:
        return (logits.sigmoid() > (0.5 if threshold is None else threshold)).squeeze(1).long()
    return logits.argmax(dim=1)
