"""SynapseSliceDataset: mmseg's Synapse slices, with the converter's record in their metainfo."""

import shutil

import numpy as np
import pytest
from mmengine.registry import init_default_scope

from attn_unet.datasets import SynapseSliceDataset
from attn_unet.registry import DATASETS
from tests.helpers.data_fixtures import PHANTOM_SIZE, PHANTOM_SLICES

TIFF_PIPELINE = [
    dict(type='LoadImageFromFile', imdecode_backend='tifffile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]


def _build(root, **kwargs):
    init_default_scope('mmseg')
    return DATASETS.build(
        dict(
            type='SynapseSliceDataset',
            data_root=str(root),
            data_prefix=dict(img_path='img_dir/val', seg_map_path='ann_dir/val'),
            **kwargs,
        )
    )


def test_it_is_registered_as_mmsegs_synapse_dataset():
    from mmseg.datasets import SynapseDataset

    assert DATASETS.get('SynapseSliceDataset') is SynapseSliceDataset
    assert issubclass(SynapseSliceDataset, SynapseDataset)


@pytest.mark.parametrize('context', [3, 5])
def test_metainfo_carries_the_recorded_slices_and_samples_have_k_channels(
    phantom_converted_k, context
):
    dataset = _build(phantom_converted_k(context), img_suffix='.tiff', pipeline=TIFF_PIPELINE)
    recorded = dict(dataset.metainfo['ct_slices'])
    (intensity,) = recorded.pop('intensity_range')  # the training volumes', for predict's check
    assert recorded == {
        'context': context,
        'slice_gap': 1,
        'hu_window': [-125.0, 275.0],
        'image_suffix': '.tiff',
        'orientation': 'PRS',
    }
    assert intensity['channel'] == 'CT' and intensity['percentiles'] == [0.5, 99.5]
    assert intensity['low'][0] <= intensity['low'][1] < intensity['high'][0] <= intensity['high'][1]
    assert intensity['low'][1] <= -900  # the phantom's air is the low percentile, as in real CT
    assert dataset.metainfo['classes'][6] == 'pancreas'
    assert len(dataset) == PHANTOM_SLICES
    sample = dataset[0]
    assert tuple(sample['inputs'].shape) == (context, *PHANTOM_SIZE)
    assert set(np.unique(sample['data_samples'].gt_sem_seg.data.numpy())) <= set(range(9))


def test_a_set_without_a_record_has_no_ct_slices(phantom_converted, tmp_path):
    root = tmp_path / 'synapse'
    shutil.copytree(phantom_converted, root)
    assert _build(root).metainfo['ct_slices']['context'] == 1
    (root / 'conversion.json').unlink()
    assert 'ct_slices' not in _build(root).metainfo
