import os
from types import SimpleNamespace

import cv2
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from attn_unet.apis import build_segmentor, load_config
from attn_unet.registry import HOOKS
from attn_unet.visualization import AttentionVisualizationHook, grid_size
from tests.helpers.tiny_setup import IMAGE_HW, IMAGE_STEMS


def _test_batch(config):
    """The tiny config's first test batch (2 images) and the model's outputs for it."""
    cfg = load_config(config)
    torch.manual_seed(0)
    model = build_segmentor(cfg).eval()
    loader = Runner.build_dataloader(cfg.test_dataloader)
    batch = next(iter(loader))
    with torch.no_grad():
        outputs = model.test_step(batch)
    return model, batch, outputs


def _runner(model, log_dir):
    meta = dict(palette=[[i, i, i] for i in range(19)])
    return SimpleNamespace(
        model=model, log_dir=str(log_dir), iter=0, visualizer=SimpleNamespace(dataset_meta=meta)
    )


def test_hook_is_registered():
    hook = HOOKS.build(dict(type='AttentionVisualizationHook', out_dir='x', interval=2))
    assert isinstance(hook, AttentionVisualizationHook) and hook.interval == 2


def test_hook_writes_one_grid_per_image(tiny, tmp_path):
    model, batch, outputs = _test_batch(tiny['attn_config'])
    assert model.backbone.attention_maps[0].shape[0] == 2
    AttentionVisualizationHook().after_test_iter(_runner(model, tmp_path), 0, batch, outputs)
    written = sorted(os.listdir(tmp_path / 'attention'))
    assert written == [f'{stem}_leftImg8bit.png' for stem in IMAGE_STEMS[:2]]
    grid = cv2.imread(str(tmp_path / 'attention' / written[1]))
    assert grid.shape[:2] == grid_size(2 + 2, IMAGE_HW, 3)  # input, prediction, 2 gates


def test_hook_absolute_out_dir_and_interval(tiny, tmp_path):
    model, batch, outputs = _test_batch(tiny['attn_config'])
    hook = AttentionVisualizationHook(out_dir=str(tmp_path / 'abs'), interval=2)
    hook.after_test_iter(_runner(model, tmp_path / 'log'), 1, batch, outputs)
    assert not (tmp_path / 'abs').exists()
    hook.after_test_iter(_runner(model, tmp_path / 'log'), 2, batch, outputs)
    assert len(os.listdir(tmp_path / 'abs')) == 2 and not (tmp_path / 'log').exists()


def test_hook_validation_is_off_by_default(tiny, tmp_path):
    model, batch, outputs = _test_batch(tiny['attn_config'])
    AttentionVisualizationHook().after_val_iter(_runner(model, tmp_path), 0, batch, outputs)
    assert not (tmp_path / 'attention').exists()
    AttentionVisualizationHook(draw_val=True).after_val_iter(
        _runner(model, tmp_path), 0, batch, outputs
    )
    assert len(os.listdir(tmp_path / 'attention' / 'val_0')) == 2


def test_hook_ignores_unet(tiny, tmp_path):
    model, batch, outputs = _test_batch(tiny['unet_config'])
    AttentionVisualizationHook().after_test_iter(_runner(model, tmp_path), 0, batch, outputs)
    assert not (tmp_path / 'attention').exists()


@pytest.mark.parametrize('kind, expected', [('attn', len(IMAGE_STEMS))])
def test_hook_in_runner_test_loop(tiny, tmp_path, kind, expected):
    cfg = Config.fromfile(tiny[f'{kind}_config'])
    cfg.work_dir = str(tmp_path)
    cfg.custom_hooks = [dict(type='AttentionVisualizationHook', out_dir='att')]
    cfg.default_hooks = dict(logger=dict(type='LoggerHook', interval=1))
    runner = Runner.from_cfg(cfg)
    runner.test()
    folder = os.path.join(runner.log_dir, 'att')
    written = os.listdir(folder) if os.path.isdir(folder) else []
    assert len(written) == expected
