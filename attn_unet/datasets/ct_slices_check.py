"""Refuse, in one line, a Synapse config that reads slices other than those converted.

The Synapse converter records how it cut the slices (``conversion.json``,
``ct_slices``): K = ``context`` slices per image, ``.jpg`` grey-in-RGB for K = 1
and K-channel ``.tiff`` above. A config must read them with the same image
suffix and feed a model of as many input channels (3 for K = 1, else K), with a
mean and std of that length. A converted set without a record is mmseg's 2D
output: K = 1, ``.jpg``.
"""

import os.path as osp

from attn_unet.errors import DatasetLayoutError

from .conversion_record import RECORD_NAME, read_ct_slices

__all__ = ['check_ct_slices']

_DEFAULT_CT_SLICES = dict(context=1, image_suffix='.jpg')


def check_ct_slices(data_root, img_suffix: str, model_cfg: dict | None = None) -> None:
    """Check a Synapse dataset config (and its model) against the slices in ``data_root``.

    Args:
        data_root: The converted root.
        img_suffix: The dataset config's ``img_suffix``.
        model_cfg: The config's ``model`` (its ``backbone.in_channels`` and
            ``data_preprocessor`` mean / std); None checks the suffix alone.

    Raises:
        DatasetLayoutError: One line naming what was converted, what the config
            reads, and the fix (the 2.5D twin config, or reconverting with ``--context``).
    """
    root = osp.normpath(str(data_root)) if data_root else ''
    recorded = read_ct_slices(root)
    ct_slices = recorded or _DEFAULT_CT_SLICES
    context = ct_slices['context']
    suffix = ct_slices.get('image_suffix') or ('.jpg' if context == 1 else '.tiff')
    channels = 3 if context == 1 else context
    read = _config_reads(img_suffix, model_cfg or {})
    wrong = [
        f'{key} {value}'
        for key, value in read.items()
        if value not in (None, _want(key, suffix, channels))
    ]
    if not wrong:
        return
    source = RECORD_NAME if recorded else f"no {RECORD_NAME}: mmseg's 2D slices"
    held = (
        f'{root or "the data root"} holds {context}-slice inputs ({channels}-channel '
        f'*{suffix}; {source})'
    )
    config_context = _config_context(img_suffix, read['model.backbone.in_channels'])
    if context == 1:
        use = 'a 2D Synapse config (configs/*/..._synapse-*.py without 2.5d)'
    else:
        use = f'a config made for them (the *_synapse-2.5d-k{context}-* twins)'
    raise DatasetLayoutError(
        f'{held} but the config reads {", ".join(wrong)}: train {use}, or convert with '
        f'tools/dataset_converters/synapse.py --context {config_context} into a new folder '
        'and point data_root at it'
    )


def _config_reads(img_suffix: str, model_cfg: dict) -> dict:
    """What the config reads: ``{description: value or None when it does not say}``."""
    backbone = model_cfg.get('backbone') or {}
    preprocessor = model_cfg.get('data_preprocessor') or {}
    reads = {
        'img_suffix': img_suffix,
        'model.backbone.in_channels': backbone.get('in_channels', 3) if backbone else None,
    }
    for key in ('mean', 'std'):
        values = preprocessor.get(key)
        reads[f'model.data_preprocessor.{key} of length'] = (
            len(values) if values is not None else None
        )
    return reads


def _want(key: str, suffix: str, channels: int):
    return suffix if key == 'img_suffix' else channels


def _config_context(img_suffix: str, in_channels) -> int:
    """The K a config is made for: 1 for ``.jpg`` slices, else its input channels."""
    if img_suffix == '.jpg' or not isinstance(in_channels, int):
        return 1
    return in_channels
