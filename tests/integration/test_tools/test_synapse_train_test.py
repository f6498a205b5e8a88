"""Synapse phantom configs end to end: train, test, per-volume metrics in metrics.json, 2 ranks."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.helpers.mini_runs import single_and_two_rank_metrics
from tests.helpers.tools import run_tool

PHANTOM_CONFIGS = [
    'configs/attn_unet/attn-unet-s4-d8_fcn_1xb8-1k_synapse-phantom-160x160.py',
    'configs/unet/unet-s4-d8_fcn_1xb8-1k_synapse-phantom-160x160.py',
]
ORGANS = (
    'aorta',
    'gallbladder',
    'left_kidney',
    'right_kidney',
    'liver',
    'pancreas',
    'spleen',
    'stomach',
)
SIZE = 32
# Two val cases of 3 and 4 slices: 7 slices, so 2 ranks split cases and the sampler pads one.
SPLITS = {'train': {'0005': 4, '0006': 4}, 'val': {'0001': 3, '0002': 4}}


def write_converted_slices(root: Path) -> Path:
    """Fake CT slices in the converter's layout: gray-as-RGB jpg and 0..8 label png."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[:SIZE, :SIZE]
    for split, cases in SPLITS.items():
        (root / 'img_dir' / split).mkdir(parents=True)
        (root / 'ann_dir' / split).mkdir(parents=True)
        for case, num_slices in cases.items():
            for index in range(num_slices):
                label = np.zeros((SIZE, SIZE), np.uint8)
                for organ_id in range(1, 9):
                    cy, cx = rng.integers(4, SIZE - 4, size=2)
                    label[(yy - cy) ** 2 + (xx - cx) ** 2 < 9] = organ_id
                gray = (label * 25 + rng.normal(20, 5, label.shape)).clip(0, 255).astype(np.uint8)
                name = f'case{case}_slice{index:03d}'
                Image.fromarray(gray).convert('RGB').save(root / 'img_dir' / split / f'{name}.jpg')
                Image.fromarray(label).save(root / 'ann_dir' / split / f'{name}.png')
    return root


def tiny_synapse_options(data_root: Path, iters: int = 2) -> list:
    """``--cfg-options`` turning a phantom config into a seconds-long run on ``data_root``."""
    splits = ('train', 'val', 'test')
    return [
        *(f'{split}_dataloader.dataset.data_root={data_root}' for split in splits),
        'train_dataloader.batch_size=2',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0',
        'test_dataloader.num_workers=0',
        f'train_dataloader.dataset.pipeline.2.scale=({SIZE},{SIZE})',
        f'val_dataloader.dataset.pipeline.1.scale=({SIZE},{SIZE})',
        f'test_dataloader.dataset.pipeline.1.scale=({SIZE},{SIZE})',
        f'model.data_preprocessor.size=({SIZE},{SIZE})',
        'model.backbone.base_channels=4',
        'model.decode_head.in_channels=4',
        'model.decode_head.channels=4',
        'model.auxiliary_head.in_channels=8',
        'model.auxiliary_head.channels=4',
        f'train_cfg.max_iters={iters}',
        'default_hooks.logger.interval=1',
    ]


@pytest.fixture(scope='module')
def synapse_data(tmp_path_factory) -> Path:
    return write_converted_slices(tmp_path_factory.mktemp('synapse') / 'converted')


@pytest.fixture(scope='module', params=PHANTOM_CONFIGS, ids=lambda p: Path(p).name.split('_')[0])
def trained(request, synapse_data, tmp_path_factory) -> tuple[str, Path]:
    """``(config, checkpoint)`` after 2 iterations of tools/train.py on the fake slices."""
    config = request.param
    work_dir = tmp_path_factory.mktemp('train')
    options = ['--cfg-options', *tiny_synapse_options(synapse_data)]
    train = run_tool('tools/train.py', config, '--work-dir', work_dir, *options)
    assert train.returncode == 0, train.stderr[-3000:]
    train_log = train.stdout + train.stderr
    # Validation at the last iteration scores the volumes; the loss has both terms.
    assert 'per-volume scores over 2 cases' in train_log, train_log[-3000:]
    assert 'decode.loss_dice' in train_log and 'decode.loss_ce' in train_log
    assert (work_dir / 'iter_2.pth').is_file()
    # PolyLR has no `end`, so it decays over train_cfg.max_iters (2 here), not over 1000.
    lrs = [float(v) for v in re.findall(r'Iter\(train\).*? lr: (\S+)', train_log)]
    assert len(lrs) == 2 and lrs[1] < 0.6 * lrs[0], lrs
    return config, work_dir / 'iter_2.pth'


def test_train_then_test_writes_per_volume_metrics(trained, synapse_data, tmp_path):
    config, checkpoint = trained
    options = ['--cfg-options', *tiny_synapse_options(synapse_data)]
    metrics_path = tmp_path / 'metrics.json'
    test = run_tool(
        'tools/test.py',
        config,
        checkpoint,
        '--work-dir',
        tmp_path / 'test',
        '--out-metrics',
        metrics_path,
        '--out',
        tmp_path / 'preds',
        *options,
    )
    assert test.returncode == 0, test.stderr[-3000:]
    metrics = json.loads(metrics_path.read_text())['metrics']
    # TransUNet's rule, HD95 in voxels: the key says both
    expected_keys = {'transunet/mDSC', 'transunet/mHD95_vox'} | {
        f'transunet/{m}.{o}' for m in ('DSC', 'HD95_vox') for o in ORGANS
    }
    assert set(metrics) == expected_keys
    mdsc = metrics['transunet/mDSC']
    assert 0.0 <= mdsc <= 100.0 and metrics['transunet/mHD95_vox'] >= 0.0
    assert mdsc == pytest.approx(np.mean([metrics[f'transunet/DSC.{o}'] for o in ORGANS]))
    assert f'transunet/mDSC: {mdsc}' in test.stdout
    assert '|   pancreas   |' in test.stdout + test.stderr
    assert len(list((tmp_path / 'preds').glob('case*_slice*.png'))) == 7


def predicting_pancreas_everywhere(checkpoint: Path, out: Path) -> Path:
    """``checkpoint`` with the decode head biased to the pancreas (id 6) on every pixel.

    A 2-iteration model may predict only background, which scores (0, 0) on every organ
    however the slices are gathered; a pancreas everywhere has a DSC and an HD95 that depend
    on every ground-truth slice landing in its place in its volume.
    """
    import torch

    import attn_unet  # noqa: F401  (lets torch's safe loader read mmengine checkpoints)

    state = torch.load(checkpoint, map_location='cpu')
    bias = state['state_dict']['decode_head.conv_seg.bias']
    bias.zero_()
    bias[6] = 100.0
    torch.save(state, out)
    return out


@pytest.mark.parametrize('trained', PHANTOM_CONFIGS[:1], indirect=True, ids=['attn-unet'])
def test_two_gloo_ranks_give_the_single_process_numbers(trained, synapse_data, tmp_path):
    config, trained_checkpoint = trained
    checkpoint = predicting_pancreas_everywhere(trained_checkpoint, tmp_path / 'pancreas.pth')
    options = ['--cfg-options', *tiny_synapse_options(synapse_data)]
    single_metrics, dist_metrics, output = single_and_two_rank_metrics(
        config, checkpoint, options, tmp_path
    )
    assert 0 < single_metrics['transunet/DSC.pancreas'] < 100
    assert single_metrics['transunet/HD95_vox.pancreas'] > 0
    assert dist_metrics == single_metrics, output[-3000:]


# The 2.5D twins on the tiny phantom converted with --context K: 2 iterations, then the test.
TWIN_RUNS = {
    3: 'configs/attn_unet/attn-unet-s4-d8_fused-dsv_1xb8-1k_synapse-2.5d-k3-phantom-160x160.py',
    5: 'configs/unet/unet-s4-d8_fused-dsv_1xb8-1k_synapse-2.5d-k5-phantom-160x160.py',
}


def tiny_twin_options(data_root: Path) -> list:
    """``--cfg-options`` turning a fused-dsv phantom twin into a seconds-long run."""
    shrunk = [o for o in tiny_synapse_options(data_root) if 'head' not in o]
    return [*shrunk, 'model.decode_head.in_channels=[16,8,4]', 'train_cfg.val_interval=2']


@pytest.mark.parametrize('context', TWIN_RUNS, ids=lambda k: f'k{k}')
def test_2_5d_twin_trains_and_tests_and_its_checkpoint_says_how_to_slice(
    phantom_converted_k, tmp_path, context
):
    import torch

    import attn_unet  # noqa: F401  (lets torch's safe loader read mmengine checkpoints)

    config, data = TWIN_RUNS[context], phantom_converted_k(context)
    options = ['--cfg-options', *tiny_twin_options(data)]
    train = run_tool('tools/train.py', config, '--work-dir', tmp_path / 'train', *options)
    assert train.returncode == 0, train.stderr[-3000:]
    checkpoint = tmp_path / 'train' / 'iter_2.pth'
    state = torch.load(checkpoint, map_location='cpu')
    ct_slices = state['meta']['dataset_meta']['ct_slices']
    assert (ct_slices['context'], ct_slices['image_suffix']) == (context, '.tiff')
    assert ct_slices['orientation'] == 'PRS'
    first_conv = next(v for k, v in state['state_dict'].items() if k.startswith('backbone.'))
    assert first_conv.shape[1] == context  # the stem convolution reads K slices
    metrics_path = tmp_path / 'metrics.json'
    test = run_tool(
        'tools/test.py', config, checkpoint, '--work-dir', tmp_path / 'test',
        '--out-metrics', metrics_path, *options,
    )  # fmt: skip
    assert test.returncode == 0, test.stderr[-3000:]
    metrics = json.loads(metrics_path.read_text())['metrics']
    assert 0.0 <= metrics['transunet/mDSC'] <= 100.0
    assert {f'transunet/DSC.{o}' for o in ORGANS} <= set(metrics)
