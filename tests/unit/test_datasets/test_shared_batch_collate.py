"""shared_batch_collate: the batch in one shared buffer, which the worker keeps."""

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.structures import PixelData
from torch.utils.data import DataLoader, Dataset

import attn_unet  # noqa: F401  (stands in for mmcv._ext, so mmseg imports with mmcv-lite)

# isort: split
from mmseg.structures import SegDataSample

from attn_unet.datasets import collate as collate_module
from attn_unet.datasets import shared_batch_collate


class Samples(Dataset):
    """Samples of mixed dtypes and odd sizes: uint8 or float32 (C, H, W) images, uint8 or
    int64 (1, H, W) labels, so every view needs its own aligned offset."""

    def __len__(self) -> int:
        return 6

    def __getitem__(self, i: int) -> dict:
        generator = torch.Generator().manual_seed(i)
        image = torch.randint(0, 256, (3, 5, 7), generator=generator)
        image = image.float() / 7 if i % 2 else image.to(torch.uint8)
        labels = torch.randint(0, 19, (1, 5, 7), generator=generator)
        sample = SegDataSample(gt_sem_seg=PixelData(data=labels.to(torch.int64 if i % 3 else
                                                                    torch.uint8)))  # fmt: skip
        sample.set_metainfo(dict(img_path=f'{i}.png'))
        return dict(inputs=image, data_samples=sample)


def _tensors(batch: dict) -> list:
    return [*batch['inputs'], *(s.gt_sem_seg.data for s in batch['data_samples'])]


def test_a_worker_hands_the_batch_over_in_one_buffer_with_every_value_kept():
    dataset = Samples()
    loader = DataLoader(dataset, batch_size=3, num_workers=1, collate_fn=shared_batch_collate)
    for start, batch in zip((0, 3), loader):
        expected = pseudo_collate([dataset[i] for i in range(start, start + 3)])
        got, want = _tensors(batch), _tensors(expected)
        assert len({t.untyped_storage().data_ptr() for t in got}) == 1  # one buffer
        for a, b in zip(got, want):
            assert a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
        assert [s.img_path for s in batch['data_samples']] == [f'{i}.png' for i in
                                                               range(start, start + 3)]  # fmt: skip


def test_in_the_training_process_the_batch_is_pseudo_collates():
    samples = [Samples()[i] for i in range(3)]
    batch = shared_batch_collate(samples)
    assert all(a is b for a, b in zip(batch['inputs'], [s['inputs'] for s in samples]))
    assert not collate_module._kept_buffers


@pytest.fixture
def as_a_worker(monkeypatch):
    """shared_batch_collate called as if in a loader worker, with its own kept buffers."""
    monkeypatch.setattr(collate_module, 'get_worker_info', lambda: object())
    monkeypatch.setattr(collate_module, '_kept_buffers', collate_module._kept_buffers.__class__())
    return collate_module


def test_the_worker_keeps_its_last_buffers_shared(as_a_worker):
    dataset = Samples()
    storages = []
    for i in range(6):
        batch = shared_batch_collate([dataset[i]], keep=4)
        storages.append(batch['inputs'][0].untyped_storage().data_ptr())
    kept = as_a_worker._kept_buffers
    assert [b.untyped_storage().data_ptr() for b in kept] == storages[-4:]
    assert all(b.is_shared() for b in kept)


def test_views_start_on_aligned_offsets(as_a_worker):
    batch = shared_batch_collate([Samples()[i] for i in range(3)])
    offsets = [t.storage_offset() * t.element_size() for t in _tensors(batch)]
    assert offsets == sorted(offsets) and np.all(np.array(offsets) % 64 == 0)
