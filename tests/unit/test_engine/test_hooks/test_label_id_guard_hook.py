"""The label guard: a pipeline that makes ids outside the classes stops, naming the file.

The check wraps each dataset's pipeline, so it runs where the data is made (the loader's
workers) and costs the training loop nothing.
"""

import pickle
from types import SimpleNamespace

import pytest
import torch
from mmengine.dataset import ConcatDataset, RepeatDataset
from mmengine.hooks import Hook
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from attn_unet.datasets.label_id_check import LabelIdCheck, guard_label_ids, outside_ids
from attn_unet.engine.hooks import LabelIdGuardHook
from attn_unet.errors import DataIntegrityError
from attn_unet.registry import HOOKS


def _sample(values, path='labels/0.png'):
    sample = SegDataSample(metainfo=dict(seg_map_path=path))
    sample.gt_sem_seg = PixelData(data=torch.tensor(values).view(1, 1, -1))
    return sample


class _Packing:
    """A stand-in pipeline: packs the label values given as the data info."""

    def __call__(self, results):
        return dict(inputs=torch.zeros(1), data_samples=_sample(results['values']))


@pytest.mark.parametrize(
    'values, num_classes, ignore_index, expected',
    [
        ([0, 1, 2], 3, 255, []),
        ([0, 1, 2, 255], 3, 255, []),
        ([0, 3, 40, 40], 3, 255, [3, 40]),
        ([0, 255], 3, 0, [255]),
        ([-1, 0, 2], 3, 255, [-1]),
        ([0, 300, 255], 3, 255, [300]),
        ([0, 1, 2, 255], 3, -1, [255]),
    ],
)
def test_outside_ids(values, num_classes, ignore_index, expected):
    labels = torch.tensor(values, dtype=torch.int64).view(1, 1, -1)
    assert outside_ids(labels, num_classes, ignore_index) == expected


@pytest.mark.parametrize(
    'values, bad',
    [
        ([0, 1, 2, 255], None),
        ([0, 40, 7], 'ids 7, 40'),
        (list(range(3, 12)), 'ids 3, 4, 5, 6, 7, ...'),
    ],
)
def test_check_names_the_label_file(values, bad):
    check = LabelIdCheck(_Packing(), num_classes=3, ignore_index=255)
    if bad is None:
        assert check(dict(values=values))['data_samples'].gt_sem_seg.data.numel() == len(values)
        return
    with pytest.raises(DataIntegrityError) as error:
        check(dict(values=values))
    assert str(error.value).startswith(f'labels/0.png has {bad} outside the 3 classes')


def test_samples_without_labels_and_tta_lists_are_handled():
    samples = [_sample([0, 1]), _sample([0, 9], path='labels/flipped.png')]
    tta = LabelIdCheck(lambda results: dict(inputs=[], data_samples=samples), 3, 255)
    with pytest.raises(DataIntegrityError, match='labels/flipped.png has ids 9'):
        tta({})
    unlabelled = LabelIdCheck(lambda r: dict(inputs=[], data_samples=SegDataSample()), 3, 255)
    unlabelled({})


def _dataset(num_classes=3, ignore_index=255):
    classes = tuple('abcdefghij'[:num_classes])
    return SimpleNamespace(
        pipeline=_Packing(), metainfo=dict(classes=classes), ignore_index=ignore_index
    )


def test_guard_wraps_every_leaf_once_and_pickles():
    leaves = [_dataset(), _dataset(num_classes=2)]
    wrapped = SimpleNamespace(datasets=[leaves[0], SimpleNamespace(dataset=leaves[1])])
    assert guard_label_ids(wrapped) == 2
    assert guard_label_ids(wrapped) == 0, 'a second call leaves wrapped pipelines alone'
    assert [leaf.pipeline.num_classes for leaf in leaves] == [3, 2]
    with pytest.raises(DataIntegrityError, match='outside the 2 classes'):
        leaves[1].pipeline(dict(values=[2]))
    # spawned loader workers get the dataset pickled
    assert pickle.loads(pickle.dumps(leaves[0].pipeline)).num_classes == 3


def test_guard_skips_datasets_without_classes():
    dataset = SimpleNamespace(pipeline=_Packing(), metainfo={})
    assert guard_label_ids(dataset) == 0
    assert isinstance(dataset.pipeline, _Packing)


def _cityscapes(root):
    from mmseg.datasets import CityscapesDataset

    return CityscapesDataset(
        data_root=str(root),
        data_prefix=dict(img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
        pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')],
        lazy_init=True,
    )


def test_guard_walks_mmengine_wrappers(tmp_path):
    leaves = [_cityscapes(tmp_path) for _ in range(3)]
    assert guard_label_ids(RepeatDataset(leaves[0], times=2, lazy_init=True)) == 1
    assert guard_label_ids(ConcatDataset(leaves[1:], lazy_init=True)) == 2
    for leaf in leaves:
        assert isinstance(leaf.pipeline, LabelIdCheck) and leaf.pipeline.num_classes == 19


@pytest.mark.parametrize('event', ['after_build_dataloader', 'before_val', 'before_test'])
def test_hook_wraps_the_loop_datasets(event):
    hook = HOOKS.build(dict(type='LabelIdGuardHook'))
    dataset = _dataset()
    loader = SimpleNamespace(dataset=dataset)
    runner = SimpleNamespace(val_dataloader=loader, test_dataloader=loader)
    if event == 'after_build_dataloader':
        hook.after_build_dataloader(runner, dataloader=loader)
    else:
        getattr(hook, event)(runner)
    assert isinstance(dataset.pipeline, LabelIdCheck)


def test_it_does_no_work_per_iteration():
    for event in ('before_train_iter', 'before_val_iter', 'before_test_iter'):
        assert getattr(LabelIdGuardHook, event) is getattr(Hook, event)
