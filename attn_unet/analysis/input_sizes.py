"""The engine's size check for inputs that tools feed straight to a model."""

from collections.abc import Sequence

from mmengine.config import Config

from attn_unet.engine.preflight import check_input_sizes

__all__ = ['check_model_input_sizes']


def check_model_input_sizes(model_cfg: dict, sizes: Sequence[tuple[int, int]]) -> None:
    """Refuse any (H, W) in ``sizes`` that the model's backbone cannot take.

    The rule and the message are :func:`attn_unet.engine.preflight.check_input_sizes`'s,
    applied as if each size were the data preprocessor's batch size.

    Raises:
        InputSizeError: naming the size, the downsample rate and a valid size.
    """
    for height, width in sizes:
        fed = dict(
            model_cfg, data_preprocessor=dict(size=(height, width)), test_cfg=dict(mode='whole')
        )
        check_input_sizes(Config(dict(model=fed)))
