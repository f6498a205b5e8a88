"""PackCompactSegInputs: mmseg's PackSegInputs, with labels in 8 bits whenever they fit."""

import numpy as np
import pytest
import torch

import attn_unet  # noqa: F401  (stands in for mmcv._ext, so mmseg imports with mmcv-lite)

# isort: split
from mmseg.datasets.transforms import PackSegInputs

from attn_unet.datasets.transforms import PackCompactSegInputs, compact_label_map


def results(labels=None) -> dict:
    rng = np.random.default_rng(0)
    out = dict(img=rng.integers(0, 256, (6, 8, 3), dtype=np.uint8), img_path='a.png',
               ori_shape=(6, 8), img_shape=(6, 8), flip=False)  # fmt: skip
    if labels is not None:
        out['gt_seg_map'] = labels
    return out


# (label map, the dtype it travels in)
CASES = [
    (np.array([[0, 18], [255, 3]], np.uint8), torch.uint8),  # Cityscapes: 19 classes + ignore
    (np.array([[0, 8], [255, 1]], np.int32), torch.uint8),  # a loader's wider ids that fit
    (np.array([[0, 8], [255, 1]], np.int64), torch.uint8),
    (np.array([[0, 300], [1, 2]], np.int32), torch.int64),  # more than 8 bits: mmseg's dtype
    (np.array([[-1, 3], [1, 2]], np.int16), torch.int64),  # a negative id keeps its value
]


@pytest.mark.parametrize('labels, dtype', CASES)
def test_labels_keep_their_values_in_the_narrowest_dtype(labels, dtype):
    packed = PackCompactSegInputs().transform(results(labels))
    reference = PackSegInputs().transform(results(labels))
    got = packed['data_samples'].gt_sem_seg.data
    want = reference['data_samples'].gt_sem_seg.data
    assert got.dtype == dtype
    assert want.dtype == torch.int64  # mmseg's
    assert got.shape == want.shape == (1, *labels.shape)
    assert torch.equal(got.long(), want)


def test_everything_but_the_labels_is_packed_as_mmseg_packs_it():
    labels = np.array([[0, 2, 1, 0, 0, 0, 0, 1]] * 6, np.uint8)
    packed = PackCompactSegInputs().transform(results(labels))
    reference = PackSegInputs().transform(results(labels))
    assert torch.equal(packed['inputs'], reference['inputs'])
    assert packed['data_samples'].metainfo == reference['data_samples'].metainfo
    assert set(packed['data_samples'].keys()) == set(reference['data_samples'].keys())


def test_an_image_without_labels_is_packed_as_mmseg_packs_it():
    packed = PackCompactSegInputs().transform(results())
    assert 'gt_sem_seg' not in packed['data_samples']
    assert torch.equal(packed['inputs'], PackSegInputs().transform(results())['inputs'])


def test_non_integer_labels_are_refused():
    with pytest.raises(TypeError, match='integer ids'):
        compact_label_map(np.zeros((2, 2), np.float32))
