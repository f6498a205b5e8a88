import pytest

from attn_unet.analysis import (
    dataset_batches,
    measure_fps,
    pipeline_image_shape,
    synthetic_batch,
)
from attn_unet.apis import load_config, load_segmentor
from attn_unet.errors import ToolError


def test_measure_fps_counts_images(tiny, monkeypatch):
    model = load_segmentor(tiny['attn_config'], tiny['attn_ckpt'])
    calls = []
    monkeypatch.setattr(model, 'test_step', lambda batch: calls.append(batch))
    fps = measure_fps(model, [synthetic_batch((32, 64))], num_iters=3, warmup=2)
    assert len(calls) == 5 and fps > 0


def test_synthetic_and_dataset_batches_run(tiny):
    model = load_segmentor(tiny['attn_config'], tiny['attn_ckpt'])
    batches = dataset_batches(model.cfg, 2)
    assert len(batches) == 2 and len(batches[0]['inputs']) == 1
    assert measure_fps(model, batches, num_iters=2, warmup=0) > 0
    result = model.test_step(synthetic_batch((30, 50)))  # padded to 32x52 by the loader
    assert result[0].pred_sem_seg.shape == (30, 50)


def test_shapes_from_config(tiny):
    cfg = load_config(tiny['attn_config'])
    assert pipeline_image_shape(cfg) == (32, 64)
    cfg.test_dataloader.dataset.data_root = '/nonexistent'
    assert dataset_batches(cfg, 1) is None
    cfg.test_pipeline = [dict(type='LoadImageFromFile')]
    with pytest.raises(ToolError, match='--shape'):
        pipeline_image_shape(cfg)
