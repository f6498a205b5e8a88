"""The model variants the benchmark builds, and the input sizes it is asked for."""

from mmengine.config import Config

from attn_unet.apis import load_config, syncbn_to_bn
from attn_unet.errors import ToolError

__all__ = [
    'ATTN_CONFIG',
    'MODES',
    'OPTIONS',
    'UNET_CONFIG',
    'parse_sizes',
    'variant_config',
]

ATTN_CONFIG = 'configs/attn_unet/attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py'
UNET_CONFIG = 'configs/unet/unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py'
OPTIONS = ('amp', 'channels_last', 'with_cp')
MODES = ('train', 'infer')


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """'128x256,256x512' -> [(128, 256), (256, 512)]; ToolError if malformed."""
    sizes = []
    for item in text.split(','):
        try:
            height, width = (int(v) for v in item.strip().lower().split('x'))
        except ValueError:
            raise ToolError(
                f'--sizes item {item!r} is not HxW: pass e.g. 128x256,256x512'
            ) from None
        sizes.append((height, width))
    return sizes


def variant_config(config: str, base_channels: int | None, with_cp: bool = False) -> Config:
    """Config with SyncBN -> BN, optional narrower backbone/heads and checkpointing."""
    cfg = load_config(config)
    syncbn_to_bn(cfg.model)
    backbone = cfg.model.backbone
    if base_channels is not None:
        scale = base_channels / backbone.base_channels
        backbone.base_channels = base_channels
        for head in ('decode_head', 'auxiliary_head'):
            if cfg.model.get(head):
                in_channels = cfg.model[head].in_channels  # one int, or one per scale
                cfg.model[head].in_channels = (
                    [max(int(c * scale), 1) for c in in_channels]
                    if isinstance(in_channels, (list, tuple))
                    else max(int(in_channels * scale), 1)
                )
                if 'channels' in cfg.model[head]:  # FusedDSVHead has none of its own
                    cfg.model[head].channels = max(int(cfg.model[head].channels * scale), 1)
    backbone.with_cp = with_cp
    cfg.model.train_cfg = dict()
    return cfg
