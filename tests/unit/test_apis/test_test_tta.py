"""tools/test.py --tta builds mmseg's TestTimeAug from the test pipeline and the trained mirrors."""

import pytest
from mmengine.dataset import Compose

from attn_unet.apis.test_tta import mirror_tta_pipeline

TEST_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(32, 32), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]


def test_views_are_the_plain_image_and_one_mirror_per_trained_axis():
    pipeline = mirror_tta_pipeline(TEST_PIPELINE, (0, 1))
    assert pipeline[0] == TEST_PIPELINE[0] and pipeline[1]['type'] == 'TestTimeAug'
    views, *rest = pipeline[1]['transforms']
    assert views == [
        dict(type='RandomFlip', prob=0.0),
        dict(type='RandomFlip', prob=1.0, direction='vertical'),
        dict(type='RandomFlip', prob=1.0, direction='horizontal'),
    ]
    assert rest == [[step] for step in TEST_PIPELINE[1:]]  # the labels load after the flip


def test_the_pipeline_runs_and_mirrors_the_image_only(tmp_path):
    import numpy as np
    from mmengine.registry import init_default_scope
    from PIL import Image

    import attn_unet  # noqa: F401  (registers the transforms)

    init_default_scope('mmseg')

    image = np.arange(8 * 8 * 3, dtype=np.uint8).reshape(8, 8, 3)
    label = np.arange(64, dtype=np.uint8).reshape(8, 8) % 4
    Image.fromarray(image).save(tmp_path / 'i.png')
    Image.fromarray(label).save(tmp_path / 'l.png')
    steps = [TEST_PIPELINE[0], TEST_PIPELINE[2], dict(type='PackSegInputs')]
    pipeline = Compose(mirror_tta_pipeline(steps, (1,)))
    out = pipeline(dict(img_path=str(tmp_path / 'i.png'), seg_map_path=str(tmp_path / 'l.png'),
                        reduce_zero_label=False, seg_fields=[]))  # fmt: skip
    plain, mirrored = out['inputs']
    assert (mirrored.numpy() == plain.numpy()[:, :, ::-1]).all()
    assert out['data_samples'][1].metainfo['flip_direction'] == 'horizontal'
    for sample in out['data_samples']:  # the reference is never flipped
        assert (sample.gt_sem_seg.data.numpy()[0] == label).all()


TTA_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[
            [dict(type='Resize', scale_factor=r, keep_ratio=True) for r in (0.5, 1.0)],
            [
                dict(type='RandomFlip', prob=0.0, direction='horizontal'),
                dict(type='RandomFlip', prob=1.0, direction='horizontal'),
            ],
            [dict(type='LoadAnnotations')],
            [dict(type='PackSegInputs')],
        ],
    ),
]


def prepared(monkeypatch, mirrors, tta=False, tta_pipeline=False, own=TTA_PIPELINE):
    """A config through apply_test_tta, the checkpoint's trained mirrors being ``mirrors``."""
    from types import SimpleNamespace

    from mmengine.config import Config

    from attn_unet.apis import test_tta

    monkeypatch.setattr(test_tta, '_meta', lambda checkpoint: {})
    monkeypatch.setattr(test_tta, 'checkpoint_mirrors', lambda meta, config: mirrors)
    cfg = Config(dict(model=dict(type='EncoderDecoder'), tta_model=dict(type='SegTTAModel'),
                      test_dataloader=dict(dataset=dict(pipeline=TEST_PIPELINE))))  # fmt: skip
    if own is not None:
        cfg.tta_pipeline = own
    args = SimpleNamespace(tta=tta, tta_pipeline=tta_pipeline, config='c.py', checkpoint='c.pth')
    test_tta.apply_test_tta(cfg, args)
    return cfg


def test_tta_mirrors_along_the_trained_axes_and_wraps_the_model(monkeypatch):
    from attn_unet.datasets.trained_mirrors import TrainedMirrors

    cfg = prepared(monkeypatch, TrainedMirrors((1,), ['RandomFlip(horizontal)']), tta=True)
    views = cfg.test_dataloader.dataset.pipeline[1]['transforms'][0]
    assert [v.get('direction') for v in views] == [None, 'horizontal']
    assert cfg.model.type == 'SegTTAModel' and cfg.model.module.type == 'EncoderDecoder'


def test_tta_pipeline_is_the_configs_own_when_its_flips_were_trained(monkeypatch):
    from attn_unet.datasets.trained_mirrors import TrainedMirrors

    cfg = prepared(monkeypatch, TrainedMirrors((1,), ['RandomFlip(horizontal)']),
                   tta_pipeline=True)  # fmt: skip
    assert cfg.test_dataloader.dataset.pipeline == TTA_PIPELINE
    assert cfg.model.type == 'SegTTAModel'


def test_nothing_changes_without_either_option(monkeypatch):
    from attn_unet.datasets.trained_mirrors import TrainedMirrors

    cfg = prepared(monkeypatch, TrainedMirrors(()))
    assert cfg.test_dataloader.dataset.pipeline == TEST_PIPELINE
    assert cfg.model.type == 'EncoderDecoder'


@pytest.mark.parametrize(
    'axes, known, options, own, words',
    [
        ((), True, dict(tta=True), TTA_PIPELINE, '--tta averages over the mirrors'),
        ((), False, dict(tta=True), TTA_PIPELINE, 'neither the checkpoint nor the config'),
        ((0,), True, dict(tta_pipeline=True), TTA_PIPELINE, 'flips horizontal, which the'),
        ((1,), True, dict(tta_pipeline=True), None, 'this config has none: use --tta'),
        ((1,), True, dict(tta=True, tta_pipeline=True), TTA_PIPELINE, 'exclude each other'),
    ],
    ids=['untrained', 'unknown', 'untrained_flip', 'no_tta_pipeline', 'both'],
)
def test_refusals_are_one_line_naming_the_alternative(monkeypatch, axes, known, options, own,
                                                      words):  # fmt: skip
    from attn_unet.datasets.trained_mirrors import TrainedMirrors
    from attn_unet.errors import ToolError

    with pytest.raises(ToolError) as error:
        prepared(monkeypatch, TrainedMirrors(axes, known=known), own=own, **options)
    assert words in str(error.value) and '\n' not in str(error.value)
