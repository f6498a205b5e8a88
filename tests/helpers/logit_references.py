"""Reference scores for holding a tool's label maps to another backend's, away from near ties.

``tools/predict.py`` writes class ids, not logits. To hold the labels one backend wrote to
the classes of another (torch against onnxruntime, fp32 against ``--fast``), a test runs both
backends here on the very slices the tool cut, records their softmax probabilities and
passes their logarithms to :func:`attn_unet.deployment.class_agreement`: a log-probability
differs from its logit by one constant per pixel, so margins and differences carry over.
"""

import numpy as np
import torch

from attn_unet.apis.predict.slice_loop import segment_slices
from attn_unet.slicing.ct_slices import (
    SliceSpec,
    as_loaded,
    encode_slice,
    from_synapse_slices,
    scale_hu,
    slice_image,
    to_synapse_slices,
)

__all__ = ['log_probabilities', 'max_difference', 'slice_log_probs', 'slice_spec']

# Log-probabilities are clipped below at log(_FLOOR). Clipping is monotone and shrinks every
# difference, and a pixel's top class is never clipped (its probability is at least 1 / C),
# so the near-tie rule still holds on the clipped scores; what it removes is the rounding of
# classes far below the top two (log 1e-20 = -46 in bf16 is off by 0.2), which would
# otherwise set the bound.
_FLOOR = 1e-4


def log_probabilities(probs: np.ndarray) -> torch.Tensor:
    """(N, C, H, W) probabilities (C < 1 / _FLOOR) -> (N, C, H, W) float64 log-probabilities,
    clipped below at log 1e-4."""
    assert probs.shape[1] < 1 / _FLOOR, probs.shape
    return torch.from_numpy(np.log(np.maximum(probs.astype(np.float64), _FLOOR)))


def max_difference(a: torch.Tensor, b: torch.Tensor) -> float:
    """max |a - b| of two score tensors of one shape."""
    assert a.shape == b.shape, (a.shape, b.shape)
    return float((a - b).abs().max())


def slice_spec(model) -> SliceSpec:
    """How the model's training slices were cut: its checkpoint's record, as predict reads it."""
    ct_slices = dict(model.dataset_meta.get('ct_slices') or {})
    keys = ('context', 'slice_gap', 'hu_window')
    return SliceSpec(**{k: ct_slices[k] for k in keys if k in ct_slices})


def slice_log_probs(segmentor, volume: np.ndarray, spec: SliceSpec, batch_size: int = 8):
    """Log-probabilities of every slice of ``volume``, segmented as ``tools/predict.py`` does.

    Args:
        segmentor: a slice segmentor (``build_slice_segmentor``) of one backend.
        volume: (X, Y, Z) in Hounsfield units, in the training voxel order.

    Returns:
        ``(scores (Z, C, H, W), labels (X, Y, Z))``: the scores in slice order, the labels
        as the predictor stacks them back.
    """
    recorded = []

    def recording(images, attention=False):
        prediction = segmentor(images, attention=attention)
        recorded.append(prediction.probs)
        return prediction

    slices = to_synapse_slices(scale_hu(volume, spec))
    images = (
        as_loaded(encode_slice(slice_image(slices, z, spec), spec), spec)
        for z in range(len(slices))
    )
    labels, _ = segment_slices(recording, images, batch_size)
    return log_probabilities(np.concatenate(recorded)), from_synapse_slices(labels)
