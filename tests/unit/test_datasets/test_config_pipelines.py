"""The copies of a pipeline that a config defines once take the override of any of them."""

import copy

import pytest
from mmengine.config import Config

from attn_unet.datasets.config_pipelines import pipeline_copies_disagree, reconcile_pipelines
from attn_unet.errors import ConfigValueError


def _pipeline(scale):
    return [dict(type='LoadImageFromFile'), dict(type='Resize', scale=scale), dict(type='Pack')]


def _config(val_scale=(160, 160), test_scale=(160, 160), top=(160, 160)):
    """mmseg's shape: test_pipeline handed to the val and test loaders; train likewise."""
    return Config(
        dict(
            train_pipeline=_pipeline((320, 320)),
            test_pipeline=_pipeline(top),
            train_dataloader=dict(dataset=dict(pipeline=_pipeline((320, 320)))),
            val_dataloader=dict(dataset=dict(pipeline=_pipeline(val_scale))),
            test_dataloader=dict(dataset=dict(pipeline=_pipeline(test_scale))),
        )
    )


def _merged(cfg, options):
    written = copy.deepcopy(cfg)
    cfg.merge_from_dict(options)
    reconcile_pipelines(cfg, written)
    return cfg


def _scales(cfg):
    return dict(
        top=cfg.test_pipeline[1].scale,
        val=cfg.val_dataloader.dataset.pipeline[1].scale,
        test=cfg.test_dataloader.dataset.pipeline[1].scale,
    )


@pytest.mark.parametrize(
    'options, expected',
    [
        # the demo's test run: the test loader's copy; test_pipeline and val follow
        ({'test_dataloader.dataset.pipeline.1.scale': (96, 96)}, ((96, 96),) * 3),
        # the demo's train run: the val loader's copy
        ({'val_dataloader.dataset.pipeline.1.scale': (96, 96)}, ((96, 96),) * 3),
        # the top-level copy reaches both loaders
        ({'test_pipeline.1.scale': (96, 96)}, ((96, 96),) * 3),
        # both loaders to the same value
        (
            {
                'val_dataloader.dataset.pipeline.1.scale': (96, 96),
                'test_dataloader.dataset.pipeline.1.scale': (96, 96),
            },
            ((96, 96),) * 3,
        ),
        # different values: each loader keeps its own, test_pipeline describes the test loader
        (
            {
                'val_dataloader.dataset.pipeline.1.scale': (64, 64),
                'test_dataloader.dataset.pipeline.1.scale': (96, 96),
            },
            ((96, 96), (64, 64), (96, 96)),
        ),
    ],
)
def test_an_override_of_one_copy_reaches_every_copy(options, expected):
    cfg = _merged(_config(), options)
    assert tuple(_scales(cfg).values()) == expected
    assert cfg.test_pipeline == cfg.test_dataloader.dataset.pipeline
    assert not pipeline_copies_disagree(cfg) or expected[1] != expected[2]


def test_train_pipeline_follows_the_train_loader():
    cfg = _merged(_config(), {'train_dataloader.dataset.pipeline.1.scale': (128, 128)})
    assert cfg.train_pipeline[1].scale == (128, 128)
    assert cfg.test_pipeline[1].scale == (160, 160)


def test_copies_the_config_defines_apart_stay_apart():
    cfg = _merged(
        _config(test_scale=(200, 200)), {'val_dataloader.dataset.pipeline.1.scale': (96, 96)}
    )
    # test_pipeline was the val loader's: it follows; the test loader had its own: it stays
    assert _scales(cfg) == dict(top=(96, 96), val=(96, 96), test=(200, 200))


def test_ambiguous_overrides_are_refused():
    with pytest.raises(ConfigValueError) as info:
        _merged(
            _config(),
            {
                'test_pipeline.1.scale': (64, 64),
                'test_dataloader.dataset.pipeline.1.scale': (96, 96),
            },
        )
    assert 'test_pipeline' in str(info.value) and '\n' not in str(info.value)


def test_wrapped_datasets_are_reconciled_leaf_by_leaf():
    cfg = _config()
    cfg.test_dataloader.dataset = dict(
        type='ConcatDataset',
        datasets=[dict(pipeline=_pipeline((160, 160))), dict(pipeline=_pipeline((160, 160)))],
    )
    written = copy.deepcopy(cfg)
    cfg.test_dataloader.dataset.datasets[0].pipeline[1].scale = (96, 96)
    reconcile_pipelines(cfg, written)
    leaves = cfg.test_dataloader.dataset.datasets
    assert cfg.test_pipeline[1].scale == leaves[0].pipeline[1].scale == (96, 96)
    assert leaves[1].pipeline[1].scale == (96, 96)


def test_disagreement_is_detected():
    cfg = _config()
    assert not pipeline_copies_disagree(cfg)
    cfg.merge_from_dict({'test_dataloader.dataset.pipeline.1.scale': (96, 96)})
    assert pipeline_copies_disagree(cfg)
