"""What a segmentor returns for a batch of slice images, whatever runs it (torch, onnxruntime)."""

from typing import Dict

import numpy as np

__all__ = ['SlicePrediction']


class SlicePrediction:
    """Class probabilities and gate coefficients of a batch, on each image's own grid.

    Attributes:
        probs: ``(N, C, H, W)`` float32 softmax probabilities.
        attention: ``{stage: (N, H, W)}`` float32 coefficients in [0, 1] of every gated
            stage (finest first), or ``{}`` when not asked for or the model has no gates.
    """

    def __init__(self, probs: np.ndarray, attention: Dict[int, np.ndarray]):
        self.probs = probs
        self.attention = attention
