"""Every vessel config trains two steps and tests with its sliding window, at tiny size.

The configs run as written except for size: base_channels 4, and the resize scales set to the
64x64 generated photographs (HRF's 2336x3504 would make each step take seconds). Each
dataset class reads the tiny synthetic DRIVE renamed to its own file suffixes.
"""

import inspect
import shutil

import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

from tests.helpers.fundus import SIZE, make_drive_phantom

from .test_configs import CONFIGS, _with_bn

VESSEL_CONFIGS = [
    p for p in CONFIGS if any(name in p.name for name in ('drive', 'stare', 'chase', 'hrf'))
]
BASE_CHANNELS = 4


@pytest.fixture(scope='module')
def drive_root(tmp_path_factory):
    return make_drive_phantom(tmp_path_factory.mktemp('vessels'))


def _dataset_copy(drive_root, dataset_type, folder):
    """The tiny DRIVE under ``folder`` with ``dataset_type``'s image / label suffixes."""
    from mmseg.registry import DATASETS

    defaults = inspect.signature(DATASETS.get(dataset_type).__init__).parameters
    img_suffix, seg_suffix = defaults['img_suffix'].default, defaults['seg_map_suffix'].default
    for split in ('training', 'validation'):
        for kind in ('images', 'annotations'):
            (folder / kind / split).mkdir(parents=True, exist_ok=True)
        for image in (drive_root / 'images' / split).glob('*.png'):
            shutil.copy(image, folder / 'images' / split / f'{image.stem}{img_suffix}')
            label = drive_root / 'annotations' / split / f'{image.stem}_manual1.png'
            shutil.copy(label, folder / 'annotations' / split / f'{image.stem}{seg_suffix}')
    return folder


def _tiny_cfg(path, data_root):
    cfg = Config.fromfile(path)
    cfg.model.backbone.base_channels = BASE_CHANNELS
    cfg.model.decode_head.update(in_channels=BASE_CHANNELS, channels=BASE_CHANNELS)
    cfg.model.auxiliary_head.update(in_channels=2 * BASE_CHANNELS, channels=BASE_CHANNELS)
    train_set = cfg.train_dataloader.dataset.dataset
    train_set.data_root = str(data_root)
    train_set.pipeline[2].scale = (SIZE, SIZE)
    test_set = cfg.test_dataloader.dataset
    test_set.data_root = str(data_root)
    test_set.pipeline[1].scale = (SIZE, SIZE)
    return cfg


@pytest.mark.parametrize('path', VESSEL_CONFIGS, ids=lambda p: getattr(p, 'name', p))
def test_config_trains_two_steps_and_tests(path, drive_root, tmp_path):
    from mmseg.registry import DATASETS, METRICS, MODELS

    cfg = Config.fromfile(path)
    init_default_scope(cfg.default_scope)
    dataset_type = cfg.test_dataloader.dataset.type
    cfg = _tiny_cfg(path, _dataset_copy(drive_root, dataset_type, tmp_path / dataset_type))
    torch.manual_seed(0)
    model = MODELS.build(ConfigDict(_with_bn(cfg.model.to_dict())))
    train_set = DATASETS.build(cfg.train_dataloader.dataset.dataset)
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    model.train()
    for _ in range(2):
        losses = model.train_step(pseudo_collate([train_set[0], train_set[1]]), optim_wrapper)
        assert all(torch.isfinite(v).all() for k, v in losses.items() if 'loss' in k)
    assert model.decode_head.out_channels == (1 if 'sigmoid' in path.name else 2)

    test_set = DATASETS.build(cfg.test_dataloader.dataset)
    metric = METRICS.build(cfg.test_evaluator)
    metric.dataset_meta = test_set.metainfo
    model.eval()
    with torch.no_grad():
        outputs = model.val_step(pseudo_collate([test_set[0]]))
    assert set(torch.unique(outputs[0].pred_sem_seg.data).tolist()) <= {0, 1}
    metric.process({}, [o.to_dict() for o in outputs])
    metrics = metric.compute_metrics(metric.results)
    assert {'mDice', 'Dice_vessel', 'IoU_vessel', 'Recall_thin'} <= set(metrics)
