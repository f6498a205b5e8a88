"""The Synapse configs follow the published protocol and use the project's fixes."""

import numpy as np
import pytest
from mmengine.config import Config

import attn_unet  # noqa: F401  (stands in for mmcv._ext, so mmseg imports with mmcv-lite)

# isort: split
from mmseg.datasets import SynapseDataset
from mmseg.registry import DATASETS

from tests.helpers.mmseg_converters import load_mmseg_converter
from tests.helpers.tools import REPO

CONFIG_DIR = REPO / 'configs'
REAL = {
    'unet': 'unet/unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py',
    'attn': 'attn_unet/attn-unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py',
}
PHANTOM = {
    'unet': 'unet/unet-s4-d8_fcn_1xb8-1k_synapse-phantom-160x160.py',
    'attn': 'attn_unet/attn-unet-s4-d8_fcn_1xb8-1k_synapse-phantom-160x160.py',
}
ALL = [*REAL.values(), *PHANTOM.values()]
SYNAPSE_CLASSES = (
    'background',
    'aorta',
    'gallbladder',
    'left_kidney',
    'right_kidney',
    'liver',
    'pancreas',
    'spleen',
    'stomach',
)
# The 13 organ ids of the raw Multi-Atlas Labeling (BTCV) labels.
RAW_ORGANS = {
    1: 'spleen',
    2: 'right_kidney',
    3: 'left_kidney',
    4: 'gallbladder',
    5: 'esophagus',
    6: 'liver',
    7: 'stomach',
    8: 'aorta',
    9: 'inferior_vena_cava',
    10: 'portal_and_splenic_vein',
    11: 'pancreas',
    12: 'right_adrenal_gland',
    13: 'left_adrenal_gland',
}


def load(name: str) -> Config:
    return Config.fromfile(CONFIG_DIR / name)


def test_synapse_dataset_classes_match_the_converter_mapping():
    assert DATASETS.get('SynapseDataset') is SynapseDataset
    assert SynapseDataset.METAINFO['classes'] == SYNAPSE_CLASSES
    raw = np.arange(14)
    mapped = load_mmseg_converter('synapse').label_mapping(raw)
    for raw_id, organ in RAW_ORGANS.items():
        expected = organ if organ in SYNAPSE_CLASSES else 'background'
        assert SYNAPSE_CLASSES[int(mapped[raw_id])] == expected, organ


@pytest.mark.parametrize('name', ALL)
def test_protocol_loss_transform_and_metric(name):
    cfg = load(name)
    assert 'mmseg::' not in (CONFIG_DIR / name).read_text()
    for head, weight in (('decode_head', 0.5), ('auxiliary_head', 0.2)):
        head_cfg = cfg.model[head]
        assert head_cfg.num_classes == len(SYNAPSE_CLASSES)
        losses = {loss['type']: loss['loss_weight'] for loss in head_cfg.loss_decode}
        assert losses == {'CrossEntropyLoss': weight, 'ClassMeanDiceLoss': weight}
        assert head_cfg.loss_decode[0].avg_non_ignore
    steps = [step['type'] for step in cfg.train_dataloader.dataset.pipeline]
    assert 'RandomRotFlipNearest' in steps and 'RandomRotFlip' not in steps
    for split in ('train', 'val', 'test'):
        assert cfg[f'{split}_dataloader'].dataset.type == 'SynapseSliceDataset'
    assert cfg.val_evaluator.type == cfg.test_evaluator.type == 'SynapseVolumeMetric'
    assert cfg.model.data_preprocessor.mean == [0.0] * 3
    assert cfg.model.data_preprocessor.std == [255.0] * 3


@pytest.mark.parametrize('name', REAL.values())
def test_real_configs_follow_the_published_schedule(name):
    cfg = load(name)
    assert cfg.data_root == 'data/synapse/'
    assert cfg.train_dataloader.batch_size == 24
    assert cfg.optim_wrapper.optimizer == dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4)
    (poly,) = cfg.param_scheduler
    assert poly.type == 'PolyLR' and poly.power == 0.9 and 'end' not in poly
    assert cfg.train_cfg.max_iters == 14000
    assert tuple(cfg.model.data_preprocessor.size) == (224, 224)
    assert cfg.model.backbone.base_channels == 64 and cfg.model.backbone.num_stages == 5


@pytest.mark.parametrize('name', PHANTOM.values())
def test_phantom_configs_are_cpu_sized(name):
    cfg = load(name)
    assert cfg.train_dataloader.dataset.data_root == 'data/synapse_phantom/'
    assert cfg.model.backbone.base_channels == 16 and cfg.model.backbone.num_stages == 4
    assert cfg.model.backbone.norm_cfg.type == 'BN'
    assert cfg.model.decode_head.norm_cfg.type == cfg.model.auxiliary_head.norm_cfg.type == 'BN'
    assert cfg.optim_wrapper.optimizer.type == 'AdamW'
    assert 'end' not in cfg.param_scheduler[0]
    assert cfg.train_cfg.val_interval == cfg.train_cfg.max_iters


@pytest.mark.parametrize('pair', [REAL, PHANTOM], ids=['real', 'phantom'])
def test_pairs_differ_only_in_the_backbone(pair):
    unet, attn = load(pair['unet']), load(pair['attn'])
    for key in ('train_dataloader', 'val_dataloader', 'optim_wrapper', 'param_scheduler'):
        assert unet[key] == attn[key]
    assert unet.model.decode_head == attn.model.decode_head
    assert (unet.model.backbone.type, attn.model.backbone.type) == ('UNet', 'AttentionUNet')


# 2.5D twins: (folder, 2D config stem without its crop/dataset tail, tail)
TWIN_PAIRS = [
    ('attn_unet', 'attn-unet-s4-d8_fused-dsv_1xb8-1k_synapse', 'phantom-160x160'),
    ('unet', 'unet-s4-d8_fused-dsv_1xb8-1k_synapse', 'phantom-160x160'),
    ('attn_unet', 'attn-unet-s5-d16_fcn_1xb24-14k_synapse', '224x224'),
    ('unet', 'unet-s5-d16_fcn_1xb24-14k_synapse', '224x224'),
]
TWINS = [
    (f'{folder}/{stem}-2.5d-k{k}-{tail}.py', f'{folder}/{stem}-{tail}.py', k)
    for folder, stem, tail in TWIN_PAIRS
    for k in (3, 5)
]
_TWIN_KEYS = {'context', 'data_root', 'img_suffix', 'data_preprocessor', 'model'}
_TWIN_KEYS |= {'train_pipeline', 'test_pipeline'}
_TWIN_KEYS |= {f'{split}_dataloader' for split in ('train', 'val', 'test')}


def _without_input(cfg) -> dict:
    """``cfg`` as a dict, less what a 2.5D twin changes: the input and where it is read from."""
    flat = cfg.to_dict()
    model = flat['model']
    model['backbone'].pop('in_channels', None)
    for key in ('mean', 'std'):
        model['data_preprocessor'].pop(key)
    loaders = {}
    for split in ('train', 'val', 'test'):
        loader = flat[f'{split}_dataloader']
        for key in ('data_root', 'img_suffix'):
            loader['dataset'].pop(key, None)
        loader['dataset']['pipeline'] = loader['dataset']['pipeline'][1:]
        loaders[split] = loader
    rest = {k: v for k, v in flat.items() if k not in _TWIN_KEYS}
    return dict(rest, model=model, loaders=loaders)


@pytest.mark.parametrize('twin, base, context', TWINS, ids=[t[0] for t in TWINS])
def test_2_5d_twins_change_only_the_input_of_their_2d_config(twin, base, context):
    cfg, base_cfg = load(twin), load(base)
    assert cfg.model.backbone.in_channels == context
    preprocessor = cfg.model.data_preprocessor
    assert preprocessor.mean == [0.0] * context and preprocessor.std == [255.0] * context
    assert preprocessor.bgr_to_rgb is False
    root = base_cfg.train_dataloader.dataset.data_root.rstrip('/') + f'_k{context}/'
    for split in ('train', 'val', 'test'):
        dataset = cfg[f'{split}_dataloader'].dataset
        assert dataset.type == 'SynapseSliceDataset'
        assert (dataset.data_root, dataset.img_suffix) == (root, '.tiff')
        assert dataset.pipeline[0] == dict(type='LoadImageFromFile', imdecode_backend='tifffile')
    assert cfg.context == context and '2.5d' not in base
    assert _without_input(cfg) == _without_input(base_cfg)
