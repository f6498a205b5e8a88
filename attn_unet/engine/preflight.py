"""What a run checks before any work, so that bad input fails in one line.

:meth:`AttnUNetRunner.from_cfg <attn_unet.engine.runner.AttnUNetRunner.from_cfg>`
runs the checks the config alone decides (stage tuples, input sizes) before the
model is built; :meth:`~attn_unet.engine.runner.AttnUNetRunner.preflight` runs the
data checks (:func:`check_datasets`) and reads the checkpoint before it trains or
tests. Each check raises a :class:`~attn_unet.errors.ToolError` whose message names
the problem and the fix.
"""

import math
from typing import Iterable, List, Tuple

from attn_unet.datasets.dataset_cfgs import iter_transforms, split_dataset_cfgs
from attn_unet.datasets.file_listing import shared_listings
from attn_unet.datasets.integrity import check_data, check_layouts
from attn_unet.errors import InputSizeError, ToolError

__all__ = [
    'backbone_downsample_rate',
    'check_dataloaders',
    'check_datasets',
    'check_input_sizes',
    'check_stage_tuples',
]

UNET_TYPES = ('UNet', 'AttentionUNet')
UNET_DEFAULTS = dict(
    num_stages=5,
    strides=(1, 1, 1, 1, 1),
    enc_num_convs=(2, 2, 2, 2, 2),
    enc_dilations=(1, 1, 1, 1, 1),
    downsamples=(True, True, True, True),
    dec_num_convs=(2, 2, 2, 2),
    dec_dilations=(1, 1, 1, 1),
)
# Per-stage tuples of a UNet-family backbone: num_stages entries, then num_stages - 1.
STAGE_TUPLES = ('strides', 'enc_num_convs', 'enc_dilations')
DECODER_STAGE_TUPLES = ('downsamples', 'dec_num_convs', 'dec_dilations', 'attention_stages')


def backbone_downsample_rate(model_cfg: dict) -> int:
    """Total downsample rate of a UNet-family backbone (1 for other backbones).

    Mirrors mmseg's UNet: stage ``i`` halves the size when ``strides[i] == 2``
    or ``downsamples[i - 1]`` is set.
    """
    backbone = (model_cfg or {}).get('backbone') or {}
    if model_cfg.get('type') == 'SegTTAModel':
        backbone = (model_cfg.get('module') or {}).get('backbone') or {}
    if backbone.get('type') not in UNET_TYPES:
        return 1
    check_stage_tuples(backbone)
    args = {**UNET_DEFAULTS, **backbone}
    return 2 ** sum(
        1
        for i in range(1, args['num_stages'])
        if args['strides'][i] == 2 or args['downsamples'][i - 1]
    )


def check_stage_tuples(backbone: dict) -> None:
    """Refuse per-stage tuples whose lengths do not fit ``num_stages``.

    Tuples the config sets must have exactly ``num_stages`` (encoder) or
    ``num_stages - 1`` (decoder) entries; mmseg's defaults only need enough.

    Args:
        backbone: UNet / AttentionUNet arguments as the config gives them.

    Raises:
        ToolError: one line naming every tuple of the wrong length and the fix.
    """
    num_stages = backbone.get('num_stages', UNET_DEFAULTS['num_stages'])
    if not isinstance(num_stages, int) or isinstance(num_stages, bool) or num_stages < 2:
        raise ToolError(f'model.backbone.num_stages must be an integer >= 2, got {num_stages!r}')
    wrong = []
    for names, want in ((STAGE_TUPLES, num_stages), (DECODER_STAGE_TUPLES, num_stages - 1)):
        for name in names:
            given = backbone.get(name)
            if isinstance(given, (list, tuple)):
                if len(given) != want:
                    wrong.append(f'{name} has {len(given)}')
            elif given is None and name in UNET_DEFAULTS and len(UNET_DEFAULTS[name]) < want:
                wrong.append(f'{name} (default) has {len(UNET_DEFAULTS[name])}')
    if wrong:
        raise ToolError(
            f'model.backbone.num_stages={num_stages} needs {num_stages} entries in '
            f'{", ".join(STAGE_TUPLES)} and {num_stages - 1} in '
            f'{", ".join(DECODER_STAGE_TUPLES)}, but {", ".join(wrong)}: '
            'change num_stages or set these tuples to match'
        )


def _split_transforms(cfg, split: str) -> Iterable[dict]:
    for dataset_cfg in split_dataset_cfgs(cfg, split):
        yield from iter_transforms(dataset_cfg.get('pipeline') or [])


def _input_sizes(cfg) -> List[Tuple[str, Tuple[int, int]]]:
    """``(where, (h, w))`` of every fixed size the model will be fed."""
    sizes = []
    for step in _split_transforms(cfg, 'train'):
        if step.get('type') == 'RandomCrop':
            sizes.append(('train crop_size (RandomCrop)', tuple(step['crop_size'])))
    preprocessor = (cfg.get('model') or {}).get('data_preprocessor') or {}
    if preprocessor.get('size'):
        sizes.append(('model.data_preprocessor.size', tuple(preprocessor['size'])))
    test_cfg = (cfg.get('model') or {}).get('test_cfg') or {}
    if test_cfg.get('mode') == 'slide':
        # Sliding windows feed the model crop_size tiles only, whatever the image size.
        sizes.append(('model.test_cfg.crop_size (slide)', tuple(test_cfg['crop_size'])))
        return sizes
    for split in ('val', 'test'):
        for step in _split_transforms(cfg, split):
            scale = step.get('scale')
            if step.get('type') == 'Resize' and isinstance(scale, (tuple, list)):
                # mmcv's Resize takes (w, h).
                sizes.append((f'{split} Resize scale', (scale[1], scale[0])))
    return sizes


def check_input_sizes(cfg) -> None:
    """Refuse crop / test sizes the backbone cannot take.

    Raises:
        InputSizeError: naming the size, the rate and the nearest valid size.
    """
    rate = backbone_downsample_rate(cfg.get('model') or {})
    if rate == 1:
        return
    for where, (h, w) in _input_sizes(cfg):
        if h % rate or w % rate:
            fix_h, fix_w = (max(rate, round(v / rate) * rate) for v in (h, w))
            raise InputSizeError(
                f'{where} {h}x{w} is not divisible by the backbone downsample rate {rate} '
                f'(2^{int(math.log2(rate))} from its downsampling stages): use multiples of '
                f'{rate}, e.g. {fix_h}x{fix_w}'
            )


def check_dataloaders(cfg) -> None:
    """Refuse dataloader settings torch rejects only when the loader is built, mid-run.

    ``persistent_workers=True`` needs ``num_workers > 0``: an override of one without the
    other (``--cfg-options val_dataloader.num_workers=0``) otherwise ends in a traceback
    after training has started.

    Raises:
        ToolError: naming the dataloader and both fixes.
    """
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader') or {}
        if loader.get('persistent_workers') and not loader.get('num_workers'):
            raise ToolError(
                f'{split}_dataloader has persistent_workers=True with num_workers='
                f'{loader.get("num_workers", 0)}: set {split}_dataloader.persistent_workers=False '
                f'or give it num_workers > 0'
            )


def check_datasets(cfg, mode: str) -> None:
    """Run the layout and file checks on the dataloaders ``mode`` will use.

    Args:
        cfg: the full config.
        mode: ``'train'`` (train, plus val when a val loop is set), ``'val'``
            or ``'test'``.

    Raises:
        DatasetLayoutError: one line naming the missing folder or files.
    """
    with shared_listings():  # the layout and the file check walk each folder once
        check_layouts(cfg, mode)
        check_data(cfg, mode)
