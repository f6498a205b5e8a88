"""The batch label guard: ids outside the classes stop the loop, naming the file."""

from types import SimpleNamespace

import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from attn_unet.engine.hooks import LabelIdGuardHook
from attn_unet.errors import DataIntegrityError
from attn_unet.registry import HOOKS


def _runner(num_classes=3, ignore_index=255):
    dataset = SimpleNamespace(
        metainfo=dict(classes=tuple('abcdefghij'[:num_classes])), ignore_index=ignore_index
    )
    loader = SimpleNamespace(dataset=dataset)
    return SimpleNamespace(train_dataloader=loader, val_dataloader=loader, test_dataloader=loader)


def _batch(*labels):
    samples = []
    for index, values in enumerate(labels):
        sample = SegDataSample(metainfo=dict(seg_map_path=f'labels/{index}.png'))
        sample.gt_sem_seg = PixelData(data=torch.tensor(values).view(1, 1, -1))
        samples.append(sample)
    return dict(inputs=[], data_samples=samples)


@pytest.mark.parametrize(
    'labels, ignore_index, bad',
    [
        (([0, 1, 2, 255],), 255, None),
        (([0, 1], [2, 3]), 255, ('labels/1.png', 'ids 3')),
        (([0, 40, 7],), 255, ('labels/0.png', 'ids 7, 40')),
        (([0, 255],), 0, ('labels/0.png', 'ids 255')),
        (([-1, 0],), 255, ('labels/0.png', 'ids -1')),
    ],
)
@pytest.mark.parametrize('stage', ['train', 'val', 'test'])
def test_guard(labels, ignore_index, bad, stage):
    hook = HOOKS.build(dict(type='LabelIdGuardHook'))
    check = getattr(hook, f'before_{stage}_iter')
    runner = _runner(ignore_index=ignore_index)
    if bad is None:
        check(runner, 0, _batch(*labels))
        return
    with pytest.raises(DataIntegrityError) as error:
        check(runner, 0, _batch(*labels))
    message = str(error.value)
    assert message.startswith(f'{stage} data: {bad[0]} has {bad[1]} outside the 3 classes')


def test_unknown_classes_or_no_labels_pass():
    hook = LabelIdGuardHook()
    runner = SimpleNamespace(val_dataloader=SimpleNamespace(dataset=SimpleNamespace(metainfo={})))
    hook.before_val_iter(runner, 0, _batch([99]))
    hook.before_test_iter(_runner(), 0, dict(inputs=[], data_samples=[SegDataSample()]))
    hook.before_train_iter(_runner(), 0, None)
