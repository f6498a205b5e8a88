"""The segmentor as one tensor function: preprocessed batch in, logits at its size out.

This is what is exported to ONNX and what :class:`~attn_unet.deployment.OnnxSegmentor`
runs, so a caller can switch between torch and onnxruntime without changing
anything around the call.
"""

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ['SegmentorLogits']


class SegmentorLogits(nn.Module):
    """Logits of an mmseg ``EncoderDecoder`` for a batch its data preprocessor made.

    The forward is the segmentor's whole-image inference before the crop of
    padding and the argmax: backbone (and neck), decode head, then a bilinear
    resize to the input size as the head's ``predict_by_feat`` does (skipped
    when the head already predicts at the input size, as UNet's FCN heads do).
    The auxiliary head is not run.

    Args:
        segmentor: an mmseg ``EncoderDecoder`` (eval mode for inference).
    """

    def __init__(self, segmentor: nn.Module):
        super().__init__()
        self.segmentor = segmentor

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Run the segmentor on a preprocessed batch.

        Args:
            inputs: (N, C, H, W) float, as the data preprocessor returns it:
                channels converted (BGR -> RGB where ``bgr_to_rgb``), then
                ``(x - mean) / std``, padded to the backbone's size divisor.

        Returns:
            Logits (N, out_channels, H, W) before softmax / sigmoid
            (out_channels is num_classes, or 1 for a sigmoid binary head).
        """
        head = self.segmentor.decode_head
        logits = head(self.segmentor.extract_feat(inputs))
        # The head's output stride is the same at every size, so this branch is too.
        if logits.shape[-2:] != inputs.shape[-2:]:
            logits = F.interpolate(
                logits, size=inputs.shape[-2:], mode='bilinear', align_corners=head.align_corners
            )
        return logits
