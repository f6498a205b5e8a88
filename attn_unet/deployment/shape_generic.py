"""Make a built segmentor's exported graph work at every input size, eager results unchanged.

A graph exported by tracing records the tensor operations a forward ran, but
numbers computed in Python from ``x.shape`` become constants of the graph.
mmseg's :class:`~mmseg.models.utils.Upsample` (the interpolation in UNet's
``InterpConv``, the upsampling of every ``UpConvBlock`` in the decoder of UNet
and AttentionUNet) computes its output size as ``[int(t * scale_factor) for t
in x.shape[-2:]]``: traced at 160x160, the decoder upsamples to the 160x160
sizes whatever it is fed, and the next skip concatenation fails. The
dynamo exporter of torch 2.13 freezes the same sizes.

:func:`make_shape_generic` swaps each such module for
:class:`ScaleFactorUpsample`, which hands the scale factor to
``F.interpolate`` with ``recompute_scale_factor=True``: the output size is
computed inside the graph, and in eager mode it is ``floor(t * scale_factor)``
and the sampling grid is the one of that size, exactly as mmseg's module does,
so outputs are bit for bit the same.

The other sizes the models take in Python are left as they are, because they
already follow the input: the attention gate resamples with
``size=theta_x.shape[-2:]`` / ``x.shape[-2:]`` (the tracer records those
shapes as graph values), and its ``if`` on shapes takes the same branch at
every size the backbone accepts (theta's stride and the pooling both halve).
"""

import torch
import torch.nn.functional as F
from mmseg.models.utils import Upsample
from torch import nn

__all__ = ['ScaleFactorUpsample', 'make_shape_generic']


class ScaleFactorUpsample(nn.Module):
    """mmseg's scale-factor ``Upsample`` with its output size computed in the graph.

    Args:
        scale_factor: the factor (float, or one per spatial axis).
        mode: interpolation mode of ``F.interpolate``.
        align_corners: as in ``F.interpolate``.
    """

    def __init__(
        self,
        scale_factor: float | tuple[float, float],
        mode: str = 'nearest',
        align_corners: bool | None = None,
    ):
        super().__init__()
        self.scale_factor = scale_factor
        self.mode = mode
        self.align_corners = align_corners

    @classmethod
    def from_upsample(cls, upsample: Upsample) -> 'ScaleFactorUpsample':
        """The twin of an mmseg ``Upsample`` that has a scale factor and no fixed size."""
        return cls(upsample.scale_factor, upsample.mode, upsample.align_corners)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (N, C, H, W) -> (N, C, floor(H * s), floor(W * s))."""
        return F.interpolate(
            x,
            scale_factor=self.scale_factor,
            mode=self.mode,
            align_corners=self.align_corners,
            recompute_scale_factor=True,
        )

    def extra_repr(self) -> str:
        return (
            f'scale_factor={self.scale_factor}, mode={self.mode!r}, '
            f'align_corners={self.align_corners}'
        )


def make_shape_generic(model: nn.Module) -> int:
    """Swap, in place, every scale-factor mmseg ``Upsample`` in ``model`` for its twin.

    An ``Upsample`` with a fixed ``size`` is left alone: it resizes to that
    size at every input size, traced or not.

    Args:
        model: any module tree, e.g. a segmentor built from an AttentionUNet
            or UNet config.

    Returns:
        How many modules were swapped (0 when there is nothing to do, e.g. a
        decoder that upsamples with transposed convolutions).
    """
    swapped = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, Upsample) and not child.size and child.scale_factor:
                setattr(parent, name, ScaleFactorUpsample.from_upsample(child))
                swapped += 1
    return swapped
