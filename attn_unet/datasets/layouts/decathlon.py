"""The layout entry of volumes converted by ``tools/dataset_converters/decathlon.py``.

Its extra check holds the config against the converter's record (``volume_slices``): the
set must carry the record, and the config must read ``.tiff`` inputs into a network of as
many input channels as the plan makes (channels x K), with a mean and std of that length and
one output per class.
"""

import os.path as osp

from attn_unet.errors import DatasetLayoutError

from ..conversion_record import RECORD_NAME, read_volume_slices
from .entry import LayoutEntry, register_layout

__all__ = ['DECATHLON']

CONVERT = 'python3 tools/dataset_converters/decathlon.py RAW_DIR --save-path'


def _check_recorded_plan(dataset_cfg: dict, model_cfg: dict | None) -> None:
    root = osp.normpath(str(dataset_cfg.get('data_root') or '.'))
    plan = read_volume_slices(root)
    if plan is None:
        raise DatasetLayoutError(
            f'{root} holds no {RECORD_NAME} of the decathlon converter: convert the raw set with '
            f'{CONVERT} {root}, and train the config it writes into {root}/configs/'
        )
    wrong = []
    suffix = dataset_cfg.get('img_suffix') or '.tiff'
    if suffix != plan['image_suffix']:
        wrong.append(f'img_suffix {suffix}')
    model_cfg = model_cfg or {}
    channels = plan['in_channels']
    in_channels = (model_cfg.get('backbone') or {}).get('in_channels')
    if in_channels is not None and in_channels != channels:
        wrong.append(f'model.backbone.in_channels {in_channels}')
    for key in ('mean', 'std'):
        values = (model_cfg.get('data_preprocessor') or {}).get(key)
        if values is not None and len(values) != channels:
            wrong.append(f'model.data_preprocessor.{key} of length {len(values)}')
    classes = len(plan['classes'])
    for head in ('decode_head', 'auxiliary_head'):
        num = (model_cfg.get(head) or {}).get('num_classes')
        if num is not None and num != classes:
            wrong.append(f'model.{head}.num_classes {num}')
    named = ((dataset_cfg.get('metainfo') or {}).get('classes')) or None
    if named is not None and tuple(named) != tuple(plan['classes']):
        wrong.append(f'metainfo.classes {tuple(named)}')
    if wrong:
        raise DatasetLayoutError(
            f'{root} holds {channels}-channel {plan["image_suffix"]} inputs of {classes} classes '
            f'{tuple(plan["classes"])} ({RECORD_NAME}) but the config reads {", ".join(wrong)}: '
            f'train a config the converter wrote for this folder ({root}/configs/)'
        )


DECATHLON = register_layout(
    LayoutEntry(
        dataset_type='VolumeSliceDataset',
        name='converted volume',
        img_suffix='.tiff',
        seg_suffix='.png',
        img_files='<case>_sliceZZZ{img_suffix}',
        seg_files='.png label',
        converter=CONVERT,
        no_root='convert the raw Decathlon / nnU-Net folder with {convert} (or generate a '
        'phantom: python3 demo/generate_decathlon_phantom.py RAW_DIR), or set data_root in '
        'the config',
        no_images='run {convert}',
        items='slices',
        unlabelled='rerun {convert}',
        suffix_from_config=True,
        checks=(_check_recorded_plan,),
    )
)
