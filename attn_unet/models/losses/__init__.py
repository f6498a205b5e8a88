"""Losses registered in mmseg's MODELS."""

from .dice_loss import ClassMeanDiceLoss

__all__ = ['ClassMeanDiceLoss']
