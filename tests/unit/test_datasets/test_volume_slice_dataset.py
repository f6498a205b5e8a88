"""VolumeSliceDataset: the converted slices of one fold, with the converter's plan in metainfo."""

import json
import shutil

import numpy as np
import pytest
from mmengine.registry import init_default_scope

from attn_unet.datasets import VolumeSliceDataset, check_dataset_cfg
from attn_unet.errors import DatasetLayoutError
from attn_unet.registry import DATASETS

PIPELINE = [
    dict(type='LoadImageFromFile', imdecode_backend='tifffile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]


def _cfg(root, split='val', **kwargs) -> dict:
    return dict(
        type='VolumeSliceDataset',
        data_root=str(root),
        ann_file=f'splits/fold0_{split}.txt',
        data_prefix=dict(img_path='img_dir', seg_map_path='ann_dir'),
        pipeline=PIPELINE,
        **kwargs,
    )


def test_a_fold_reads_its_slices_with_the_plan_in_metainfo(decathlon_converted):
    init_default_scope('mmseg')
    dataset = DATASETS.build(_cfg(decathlon_converted))
    record = json.loads((decathlon_converted / 'conversion.json').read_text())
    val_cases = record['splits']['folds'][0]['val']
    assert isinstance(dataset, VolumeSliceDataset)
    assert len(dataset) == 28 * len(val_cases)
    assert dataset.metainfo['classes'] == ('background', 'pancreas', 'cancer')  # the record's
    assert dataset.metainfo['volume_slices'] == record['volume_slices']
    sample = dataset[0]
    assert tuple(sample['inputs'].shape) == (1, 128, 128)
    assert sample['inputs'].dtype.is_floating_point  # normalised, not 8-bit
    assert set(np.unique(sample['data_samples'].gt_sem_seg.data.numpy())) <= {0, 1, 2}


def test_a_folder_without_the_converters_record_is_refused_by_the_layout_check(
    decathlon_converted, tmp_path
):
    root = tmp_path / 'copy'
    shutil.copytree(decathlon_converted, root)
    check_dataset_cfg(_cfg(root))
    (root / 'conversion.json').unlink()
    with pytest.raises(
        DatasetLayoutError, match='holds no conversion.json of the decathlon'
    ) as info:
        check_dataset_cfg(_cfg(root))
    assert 'decathlon.py RAW_DIR --save-path' in str(info.value)
    with pytest.raises(
        DatasetLayoutError, match="data root '.*nowhere' not found: convert the raw"
    ):
        check_dataset_cfg(_cfg(tmp_path / 'nowhere'))


def test_a_config_naming_other_classes_is_refused(decathlon_converted):
    cfg = _cfg(decathlon_converted, metainfo=dict(classes=('background', 'tumour')))
    with pytest.raises(DatasetLayoutError, match=r"metainfo.classes \('background', 'tumour'\)"):
        check_dataset_cfg(cfg, dict(decode_head=dict(num_classes=3)))
    with pytest.raises(DatasetLayoutError, match='model.decode_head.num_classes 2'):
        check_dataset_cfg(_cfg(decathlon_converted), dict(decode_head=dict(num_classes=2)))
