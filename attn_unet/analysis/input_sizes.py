"""The backbone's input-size rule for sizes that tools feed straight to a model."""

from collections.abc import Sequence

from attn_unet.models.backbones.downsample_rate import check_input_sizes_divisible

__all__ = ['check_model_input_sizes']


def check_model_input_sizes(model_cfg: dict, sizes: Sequence[tuple[int, int]]) -> None:
    """Refuse any (H, W) in ``sizes`` that the model's backbone cannot take.

    The rule and the message are
    :func:`~attn_unet.models.backbones.downsample_rate.check_input_sizes_divisible`'s, the
    runner's preflight's too.

    Raises:
        InputSizeError: naming the size, the downsample rate and a valid size.
    """
    check_input_sizes_divisible(model_cfg, [('input size', size) for size in sizes])
