"""The input-size rule a backbone declares: its total downsample rate, from its config.

A crop or test size that the backbone's downsampling stages cannot halve evenly fails
deep in mmseg (an assertion in UNet's forward) or pads silently. The runner checks the
sizes before it builds anything, by asking the backbone's class:

- a backbone declares the rule as a classmethod ``downsample_rate(**backbone_cfg) -> int``
  (it may also check its own arguments and raise a ToolError naming them);
- mmseg's ``UNet`` and its subclasses get :func:`unet_downsample_rate` (``AttentionUNet``
  declares it; mmseg's class cannot), which reads UNet's defaults from its signature;
- any other backbone declares nothing, and :func:`backbone_downsample_rate` says so with
  None: its input sizes are not checked.

:func:`check_input_sizes_divisible` is the rule itself, applied to named (H, W) sizes: the
runner's preflight gives it every size a config feeds the model, the analysis tools the sizes
they feed.
"""

import inspect
import logging
import math
from typing import Iterable, Sequence

from mmengine.logging import print_log
from mmseg.models.backbones import UNet

from attn_unet.errors import InputSizeError, ToolError
from attn_unet.registry import MODELS

__all__ = [
    'ENCODER_STAGE_TUPLES',
    'UNET_DECODER_STAGE_TUPLES',
    'backbone_downsample_rate',
    'check_input_sizes_divisible',
    'unet_defaults',
    'unet_downsample_rate',
]

# Per-stage tuples of a UNet: num_stages entries (encoder), then num_stages - 1 (decoder).
ENCODER_STAGE_TUPLES = ('strides', 'enc_num_convs', 'enc_dilations')
UNET_DECODER_STAGE_TUPLES = ('downsamples', 'dec_num_convs', 'dec_dilations')


def unet_defaults() -> dict:
    """mmseg UNet's keyword defaults, as its ``__init__`` declares them."""
    parameters = inspect.signature(UNet.__init__).parameters.values()
    return {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}


def unet_downsample_rate(
    decoder_tuples: Sequence[str] = UNET_DECODER_STAGE_TUPLES, **backbone_cfg
) -> int:
    """Total downsample rate of a UNet built with ``backbone_cfg``; its stage tuples checked.

    Stage ``i`` halves the size when ``strides[i] == 2`` or ``downsamples[i - 1]`` is set.
    Tuples the config sets must have exactly ``num_stages`` (encoder) or ``num_stages - 1``
    (decoder) entries; UNet's defaults only need enough.

    Args:
        decoder_tuples: the per-decoder-stage arguments of this UNet class.
        **backbone_cfg: the backbone's arguments as the config gives them.

    Raises:
        ToolError: one line naming every tuple of the wrong length and the fix.
    """
    defaults = unet_defaults()
    num_stages = backbone_cfg.get('num_stages', defaults['num_stages'])
    if not isinstance(num_stages, int) or isinstance(num_stages, bool) or num_stages < 2:
        raise ToolError(f'model.backbone.num_stages must be an integer >= 2, got {num_stages!r}')
    wrong = []
    for names, want in ((ENCODER_STAGE_TUPLES, num_stages), (decoder_tuples, num_stages - 1)):
        for name in names:
            given = backbone_cfg.get(name)
            if isinstance(given, (list, tuple)):
                if len(given) != want:
                    wrong.append(f'{name} has {len(given)}')
            elif given is None and name in defaults and len(defaults[name]) < want:
                wrong.append(f'{name} (default) has {len(defaults[name])}')
    if wrong:
        raise ToolError(
            f'model.backbone.num_stages={num_stages} needs {num_stages} entries in '
            f'{", ".join(ENCODER_STAGE_TUPLES)} and {num_stages - 1} in '
            f'{", ".join(decoder_tuples)}, but {", ".join(wrong)}: '
            'change num_stages or set these tuples to match'
        )
    args = {**defaults, **backbone_cfg}
    halvings = sum(
        1 for i in range(1, num_stages) if args['strides'][i] == 2 or args['downsamples'][i - 1]
    )
    return 2**halvings


def backbone_downsample_rate(model_cfg: dict) -> int | None:
    """The downsample rate the config's backbone declares (None: it declares none).

    Args:
        model_cfg: ``cfg.model``; a ``SegTTAModel``'s wrapped model is looked into.

    Raises:
        ToolError: the backbone's own check of its arguments failed.
    """
    model_cfg = model_cfg or {}
    if model_cfg.get('type') == 'SegTTAModel':
        model_cfg = model_cfg.get('module') or {}
    backbone = dict(model_cfg.get('backbone') or {})
    given = backbone.pop('type', None)
    backbone_cls = MODELS.get(given) if isinstance(given, str) else given
    rule = getattr(backbone_cls, 'downsample_rate', None)
    if rule is None and isinstance(backbone_cls, type) and issubclass(backbone_cls, UNet):
        rule = unet_downsample_rate
    return rule(**backbone) if rule is not None else None


def check_input_sizes_divisible(model_cfg: dict, sizes: Iterable[tuple]) -> None:
    """Refuse any size the config's backbone cannot halve evenly, as its class declares.

    Args:
        model_cfg: ``cfg.model``.
        sizes: ``(where, (h, w))`` pairs; ``where`` names the size in the message
            (``'train crop_size (RandomCrop)'``).

    Raises:
        ToolError: the backbone's own check of its arguments (stage tuples) failed.
        InputSizeError: naming the size, the rate and the nearest valid size.
    """
    rate = backbone_downsample_rate(model_cfg)
    if rate is None:
        print_log(
            'input sizes are not checked: the backbone declares no downsample_rate '
            '(docs/en/develop.md says how a backbone declares one)',
            logger='current',
            level=logging.INFO,
        )
        return
    for where, (h, w) in sizes:
        if h % rate or w % rate:
            fix_h, fix_w = (max(rate, round(v / rate) * rate) for v in (h, w))
            raise InputSizeError(
                f'{where} {h}x{w} is not divisible by the backbone downsample rate {rate} '
                f'(2^{int(math.log2(rate))} from its downsampling stages): use multiples of '
                f'{rate}, e.g. {fix_h}x{fix_w}'
            )
