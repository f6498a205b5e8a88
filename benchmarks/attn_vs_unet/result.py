"""What the benchmark measured of one model variant at one input size."""

import statistics
from dataclasses import dataclass, field

__all__ = ['VariantResult']


@dataclass
class VariantResult:
    """Measurements of one model variant at one input size (times in s, memory in bytes).

    ``batch`` is the number of images in each timed step.
    """

    size: tuple[int, int]
    name: str
    reference: str | None
    params: int
    flops: int
    train_times: list[float] = field(default_factory=list)
    infer_times: list[float] = field(default_factory=list)
    peak_bytes: int = 0
    batch: int = 1

    @property
    def train(self) -> float | None:
        """Median train-step time, None when train steps were not timed."""
        return statistics.median(self.train_times) if self.train_times else None

    @property
    def infer(self) -> float | None:
        """Median inference time, None when inference was not timed."""
        return statistics.median(self.infer_times) if self.infer_times else None

    def time_ratio(self, reference: 'VariantResult', mode: str) -> tuple[float, float, float]:
        """(median, min, max) of this variant's times over the reference's, pair by pair.

        Times with the same index were taken in the same round of the
        interleaved loop. Raises ValueError when ``mode`` was not timed.
        """
        mine, theirs = getattr(self, f'{mode}_times'), getattr(reference, f'{mode}_times')
        if not mine or len(mine) != len(theirs):
            raise ValueError(f'{mode} times of {self.name} and {reference.name} do not pair up')
        ratios = [a / b for a, b in zip(mine, theirs)]
        return statistics.median(ratios), min(ratios), max(ratios)
