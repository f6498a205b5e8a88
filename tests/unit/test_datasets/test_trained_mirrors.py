"""The mirrors a training pipeline applied (what --tta may average over), read from a config."""

import pytest

from attn_unet.datasets.trained_mirrors import trained_mirrors


def _cfg(*pipeline, wrap=False):
    dataset = dict(type='X', pipeline=list(pipeline))
    if wrap:
        dataset = dict(type='RepeatDataset', times=2, dataset=dataset)
    return dict(train_dataloader=dict(dataset=dataset))


@pytest.mark.parametrize(
    'step, axes',
    [
        (dict(type='RandomFlip', prob=0.5), (1,)),  # mmcv's default direction: horizontal
        (dict(type='RandomFlip', prob=0.5, direction='vertical'), (0,)),
        (dict(type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical']), (0, 1)),
        (dict(type='RandomFlip', prob=[0.0, 0.3], direction=['horizontal', 'vertical']), (0,)),
        (dict(type='RandomFlip', prob=0.5, direction='diagonal'), ()),  # a half turn, no mirror
        (dict(type='RandomFlip'), ()),  # mmcv's prob=None never flips
        (dict(type='RandomFlip', prob=0.0), ()),
        (dict(type='RandomRotFlipNearest', rotate_prob=0.5, flip_prob=0.5, degree=20), (0, 1)),
        (dict(type='RandomRotFlip', flip_prob=0.0), ()),
        (dict(type='RandomRotFlip', rotate_prob=1.0, flip_prob=0.5), ()),  # always rotates
        (dict(type='RandomAxisMirror', axes=(0,), prob=0.5), (0,)),
        (dict(type='RandomAxisMirror', axes=(0, 1), prob=0.0), ()),
        (dict(type='RandomRotate', prob=0.5, degree=15), ()),
        (dict(type='RandomCropRotateScale', crop_size=(64, 64), degree=180), ()),
    ],
)
def test_each_mirroring_transform_gives_its_axes(step, axes):
    load = dict(type='LoadImageFromFile')
    assert trained_mirrors(_cfg(load, step, dict(type='PackSegInputs'))).axes == axes


def test_wrapped_and_nested_pipelines_are_read():
    nested = dict(type='RandomApply', transforms=[dict(type='RandomFlip', prob=1.0)], prob=0.5)
    mirrors = trained_mirrors(_cfg(nested, wrap=True))
    assert mirrors.axes == (1,) and mirrors.known and mirrors.sources == ('RandomFlip(horizontal)',)


def test_several_datasets_count_only_the_axes_all_of_them_mirror():
    flips = dict(
        type='X', pipeline=[dict(type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical'])]
    )
    rows = dict(type='X', pipeline=[dict(type='RandomAxisMirror', axes=(0,))])
    cfg = dict(train_dataloader=dict(dataset=dict(type='ConcatDataset', datasets=[flips, rows])))
    assert trained_mirrors(cfg).axes == (0,)


def test_no_training_pipeline_is_unknown_not_unmirrored():
    mirrors = trained_mirrors(dict(model=dict()))
    assert not mirrors.known and mirrors.axes == ()
    assert trained_mirrors(_cfg(dict(type='LoadImageFromFile'))).known
