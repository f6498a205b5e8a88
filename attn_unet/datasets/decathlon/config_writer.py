"""The config a conversion ends with: the project's model and schedule, fitted to the set.

For each network (AttentionUNet and its UNet twin) the converter writes one config that
inherits the project's ``_base_`` files (fused deep supervision, the Synapse loss, a schedule,
the runtime and ``_base_/datasets/volume_slices.py``) and sets what the fingerprint decides:
classes and palette, input channels and normalisation, crop size, the fold, the per-volume
metric. Each value carries the reason in a comment. Two presets size the network:

- ``gpu``: S5-D16, 64 base channels, SGD 0.01 with poly decay over 14k iterations (the
  Synapse protocol's schedule), batch 8;
- ``cpu``: S4-D8, 16 base channels, AdamW over 1k iterations, batch 8 (the CT phantom setup).
"""

import re
from dataclasses import dataclass

from attn_unet.compat import SCOPE
from attn_unet.slicing.slice_plan import SlicePlan

from .augmentation import train_pipeline_lines

__all__ = ['PRESETS', 'Preset', 'base_configs', 'config_name', 'config_text', 'palette']


@dataclass(frozen=True)
class Preset:
    """How big the network is and how long it trains."""

    name: str
    stages: int
    base_channels: int
    batch: int
    iters: str
    schedule: str
    max_crop: int

    @property
    def rate(self) -> int:
        """The backbone's downsample rate: 2 ** (stages - 1)."""
        return 2 ** (self.stages - 1)

    @property
    def size(self) -> str:
        return f's{self.stages}-d{self.rate}'


PRESETS = {
    'gpu': Preset('gpu', 5, 64, 8, '14k', 'schedule_14k_synapse.py', 512),
    'cpu': Preset('cpu', 4, 16, 8, '1k', 'schedule_1k.py', 256),
}
NETWORKS = ('attn-unet', 'unet')
_MODEL_BASE = {
    'attn-unet': 'models/fused-dsv_attn-unet_s5-d16.py',
    'unet': 'models/fused-dsv_unet_s5-d16.py',
}
# Distinct colours for classes 1.. (0, the background, is black), then repeated.
_COLOURS = [
    [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48],
    [145, 30, 180], [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212],
    [0, 128, 128], [220, 190, 255], [170, 110, 40], [255, 250, 200], [128, 0, 0],
    [170, 255, 195], [128, 128, 0], [255, 215, 180], [0, 0, 128], [128, 128, 128],
]  # fmt: skip


def palette(num_classes: int) -> list:
    """One RGB colour per class: black for the background, then distinct colours."""
    return [[0, 0, 0]] + [_COLOURS[i % len(_COLOURS)] for i in range(num_classes - 1)]


def config_name(network: str, preset: Preset, dataset: str, fold: int, crop: tuple) -> str:
    """mmseg's ``{backbone}_{head}_{N}xb{B}-{iters}_{dataset}-{crop}.py`` for one fold."""
    slug = re.sub(r'[^a-z0-9]+', '-', dataset.lower()).strip('-') or 'dataset'
    return (
        f'{network}-{preset.size}_fused-dsv_1xb{preset.batch}-{preset.iters}_{slug}-fold{fold}'
        f'-{crop[0]}x{crop[1]}.py'
    )


def base_configs(network: str, preset: Preset) -> list[str]:
    """The ``_base_`` list of ``network``'s config, named through the package scope.

    ``attn_unet::_base_/...`` finds the files inside the installed package (a wheel's
    ``attn_unet/.mim/configs``, an editable install's checkout), so a converted set keeps
    working when the checkout or the environment moves (:mod:`attn_unet.compat.config_scope`).
    """
    if network not in NETWORKS:
        raise ValueError(f'network must be one of {NETWORKS}, got {network!r}')
    return [
        f'{SCOPE}::_base_/{_MODEL_BASE[network]}',
        f'{SCOPE}::_base_/datasets/volume_slices.py',
        f'{SCOPE}::_base_/default_runtime.py',
        f'{SCOPE}::_base_/schedules/{preset.schedule}',
    ]


def config_text(
    network: str,
    preset: Preset,
    plan: SlicePlan,
    data_root: str,
    fold: int,
    num_folds: int,
    crop: tuple,
    reasons: dict,
    dataset: str,
    augmentation: str | None = None,
) -> str:
    """The config file of ``network`` for a converted set (Python source).

    Args:
        network: ``'attn-unet'`` or ``'unet'``.
        preset: Network size and schedule.
        plan: The conversion's slice plan.
        data_root: The converted folder.
        fold: The fold the config trains and validates on.
        num_folds: How many folds there are.
        crop: ``(h, w)`` training crop.
        reasons: ``view``, ``channels``, ``crop``, ``split`` and ``mirror`` (and ``ignore``):
            why each value is what it is.
        dataset: The raw set's name.
        augmentation: The training augmentation (:mod:`.augmentation`); None: the default.
    """
    bases = base_configs(network, preset)
    b = preset.base_channels
    head_channels = [b * 2**i for i in range(preset.stages - 1)][::-1]
    channels = ', '.join(c['name'] for c in plan.channels)
    title = 'AttentionUNet' if network == 'attn-unet' else 'UNet'
    gates = ''
    if network == 'attn-unet' and preset.stages != 5:  # S5: the base's, every skip but the finest
        gates = f'\n        attention_stages={(True,) * (preset.stages - 1)!r},'
    if network == 'attn-unet':
        gates += (
            "\n        # the authors' W on every gated skip (1x1 conv + norm): the decoder gets"
            "\n        # the skip at the norm's scale whatever alpha is; without it, 2 of 10 seeds"
            '\n        # of a 12-case phantom predicted no tumour (configs/attn_unet/README.md)'
            '\n        gate_cfg=dict(out_transform=True),'
        )
    lines = [
        f'# {title}-{preset.size.upper()} ({b} base channels) + fused deep supervision on '
        f'{dataset}, fold {fold} of {num_folds}.',
        '# Written by tools/dataset_converters/decathlon.py; every dataset-specific value comes',
        '# from the fingerprint in data_root/conversion.json. Train: python3 tools/train.py '
        'THIS_FILE',
        f'_base_ = {_list(bases)}',
        f'data_root = {data_root!r}',
        *_comment(
            f"classes: dataset.json's labels; label values {list(plan.label_values)} are class "
            f'ids 0..{len(plan.classes) - 1} (tools/predict.py writes the values back)'
        ),
        *(_comment(f'ignore: {reasons["ignore"]}') if 'ignore' in reasons else []),
        f'metainfo = dict(classes={plan.classes!r}, palette={palette(len(plan.classes))!r})',
        f'num_classes = {len(plan.classes)}',
        f'# input: {len(plan.channels)} channel(s) ({channels}) x K = {plan.context} slice(s); '
        'the converter normalised them:',
        *_comment(reasons['channels']),
        '# so the network reads them as stored (mean 0, std 1).',
        f'in_channels = {plan.in_channels}',
        *_comment(f'slices: {reasons["view"]}'),
        *_comment(f'crop: {reasons["crop"]}'),
        f'crop_size = {tuple(crop)!r}',
        "norm_cfg = dict(type='BN', requires_grad=True)",
        'data_preprocessor = dict(',
        '    mean=[0.0] * in_channels,',
        '    std=[1.0] * in_channels,',
        '    bgr_to_rgb=False,',
        '    size=crop_size,',
        f'    test_cfg=dict(size_divisor={preset.rate}))',
        'model = dict(',
        '    data_preprocessor=data_preprocessor,',
        '    backbone=dict(',
        '        in_channels=in_channels,',
        f'        base_channels={b},',
        f'        num_stages={preset.stages},',
        f'        strides={(1,) * preset.stages!r},',
        f'        enc_num_convs={(2,) * preset.stages!r},',
        f'        dec_num_convs={(2,) * (preset.stages - 1)!r},',
        f'        downsamples={(True,) * (preset.stages - 1)!r},',
        f'        enc_dilations={(1,) * preset.stages!r},',
        f'        dec_dilations={(1,) * (preset.stages - 1)!r},{gates}',
        '        norm_cfg=norm_cfg),',
        '    # the Synapse loss: 0.5 cross-entropy + 0.5 class-mean Dice, on the fused prediction',
        '    decode_head=dict(',
        f'        in_channels={head_channels!r},',
        f'        in_index={list(range(1, preset.stages))!r},',
        '        num_classes=num_classes,',
        '        norm_cfg=norm_cfg,',
        '        loss_decode=[',
        "            dict(type='CrossEntropyLoss', use_sigmoid=False, avg_non_ignore=True, "
        'loss_weight=0.5),',
        "            dict(type='ClassMeanDiceLoss', loss_weight=0.5),",
        '        ]))',
        *train_pipeline_lines(plan, crop, augmentation, _comment(f'mirror: {reasons["mirror"]}')),
        *_comment(f'fold: {reasons["split"]}'),
        'train_dataloader = dict(',
        f'    batch_size={preset.batch},',
        '    dataset=dict(data_root=data_root, metainfo=metainfo, '
        f"ann_file='splits/fold{fold}_train.txt',",
        '                 pipeline=train_pipeline))',
        'val_dataloader = dict(',
        '    dataset=dict(data_root=data_root, metainfo=metainfo, '
        f"ann_file='splits/fold{fold}_val.txt'))",
        'test_dataloader = val_dataloader',
        '',
    ]
    return '\n'.join(lines)


def _list(paths: list) -> str:
    inner = ''.join(f'\n    {p!r},' for p in paths)
    return f'[{inner}\n]'


def _comment(text: str, width: int = 98) -> list:
    """``text`` as ``# `` lines of at most ``width`` characters."""
    words, lines, line = text.split(), [], '#'
    for word in words:
        if len(line) + 1 + len(word) > width and line != '#':
            lines.append(line)
            line = '#  '
        line += ' ' + word
    lines.append(line)
    return lines
