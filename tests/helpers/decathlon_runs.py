"""Seconds-long training runs of the configs the Decathlon / nnU-Net converter writes.

A tiny model (8 base channels, 6 iterations on 64x64 crops: :data:`TINY`) of the AttentionUNet
config the converter wrote, trained with ``tools/train.py`` as users run it: a checkpoint that
carries the converter's slice plan, as every Decathlon-trained checkpoint does. It predicts
mostly background (the runs are not seeded, so what it finds varies), so the tests that compare
two paths voxel for voxel compare its attention coefficients too, which vary over every slice.
"""

import json
import shutil
from pathlib import Path

import pytest

from .tools import run_tool

ITERS = 6
TINY = [
    'model.backbone.base_channels=8',
    'model.decode_head.in_channels=[32,16,8]',
    'train_dataloader.batch_size=2',
    'model.data_preprocessor.size=(64,64)',
    'train_dataloader.dataset.pipeline.2.crop_size=(64,64)',
    f'train_cfg.max_iters={ITERS}',
    f'train_cfg.val_begin={ITERS + 1}',
    f'default_hooks.checkpoint.interval={ITERS}',
    *(f'{s}_dataloader.num_workers=0' for s in ('train', 'val', 'test')),
    *(f'{s}_dataloader.persistent_workers=False' for s in ('train', 'val', 'test')),
]


def train_converted(converted: Path, work: Path, options=TINY) -> dict:
    """The AttentionUNet config the converter wrote into ``converted``, trained tiny.

    Returns:
        ``dict(converted, record, config, checkpoint)``: ``config`` is the config the run
        dumped, ``record`` the conversion record.
    """
    record = json.loads((converted / 'conversion.json').read_text())
    config = converted / record['configs'][0]
    result = run_tool('tools/train.py', config, '--work-dir', work, '--cfg-options', *options)
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(
        converted=converted,
        record=record,
        config=work / config.name,  # the config the run dumped
        checkpoint=Path((work / 'last_checkpoint').read_text().strip()),
    )


def one_channel_set(nnunet_raw: Path, channel: int, name: str, out: Path) -> Path:
    """The ``channel``-th channel of a raw nnU-Net set, as a one-channel set named ``name``."""
    meta = json.loads((nnunet_raw / 'dataset.json').read_text())
    shutil.copytree(nnunet_raw / 'labelsTr', out / 'labelsTr')
    for folder in ('imagesTr', 'imagesTs'):
        (out / folder).mkdir(parents=True)
        for path in sorted((nnunet_raw / folder).glob(f'*_{channel:04d}.nii.gz')):
            shutil.copy(path, out / folder / path.name.replace(f'_{channel:04d}', '_0000'))
    meta['channel_names'] = {'0': name}
    (out / 'dataset.json').write_text(json.dumps(meta, indent=1))
    return out


@pytest.fixture(scope='session')
def decathlon_model(decathlon_raw, decathlon_converted, tmp_path_factory):
    """A tiny model trained on the CT Decathlon phantom: ``dict(raw, converted, record, config,
    checkpoint)``."""
    work = tmp_path_factory.mktemp('msd_run')
    return dict(train_converted(decathlon_converted, work), raw=decathlon_raw)


@pytest.fixture(scope='session')
def mr_decathlon_model(nnunet_raw, tmp_path_factory):
    """A tiny model trained on the T2 channel of the nnU-Net phantom alone (an MR set, z-scored
    per volume): ``dict(raw, converted, record, config, checkpoint)``."""
    from attn_unet.datasets.decathlon import ConvertOptions, convert_decathlon

    root = tmp_path_factory.mktemp('mr_run')
    raw = one_channel_set(nnunet_raw, 1, 'T2', root / 'Dataset098_PancreasT2')
    convert_decathlon(raw, root / 'converted', ConvertOptions(num_folds=3, preset='cpu'),
                      progress=False)  # fmt: skip
    return dict(train_converted(root / 'converted', root / 'work'), raw=raw)
