"""Model transforms that keep what a model computes: BatchNorm folded for inference."""

from .fold_batch_norm import fold_batch_norm

__all__ = ['fold_batch_norm']
