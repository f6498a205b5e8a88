"""Preflight checks: downsample rate, stage tuples, input sizes."""

import pytest
import torch
from mmengine.config import Config

from attn_unet.engine.preflight import check_compact_labels, check_dataloaders, check_input_sizes
from attn_unet.errors import ConfigValueError, InputSizeError, ToolError
from attn_unet.models import CompactLabelSegDataPreProcessor, backbone_downsample_rate
from attn_unet.models.backbones import downsample_rate
from attn_unet.registry import MODELS


@pytest.mark.parametrize(
    'backbone, rate',
    [
        (dict(type='UNet'), 16),
        (
            dict(
                type='AttentionUNet',
                num_stages=4,
                strides=(1, 1, 1, 1),
                downsamples=(True, True, True),
            ),
            8,
        ),
        (
            dict(type='UNet', num_stages=4, strides=(1, 2, 1, 1), downsamples=(False, True, False)),
            4,
        ),
        (dict(type='AttentionUNet', num_stages=5), 16),
        (dict(type='AttentionUNet', num_stages=3, strides=(1, 1, 1), downsamples=(True, True)), 4),
        (
            dict(
                type='AttentionUNet',
                num_stages=4,
                strides=(1, 2, 1, 1),
                downsamples=(False, False, True),
            ),
            4,
        ),
        (dict(type='ResNetV1c'), None),  # declares no rate: sizes not checked
    ],
)
def test_backbone_downsample_rate(backbone, rate):
    assert backbone_downsample_rate(dict(backbone=backbone)) == rate


def _cfg(crop, scale=(512, 256)):
    return Config(
        dict(
            model=dict(backbone=dict(type='UNet'), data_preprocessor=dict(size=crop)),
            train_dataloader=dict(dataset=dict(pipeline=[dict(type='RandomCrop', crop_size=crop)])),
            test_dataloader=dict(dataset=dict(pipeline=[dict(type='Resize', scale=scale)])),
        )
    )


def test_input_sizes_accepts_multiples():
    check_input_sizes(_cfg((128, 256)))


@pytest.mark.parametrize(
    'crop, scale, words',
    [
        ((100, 256), (512, 256), ['100x256', 'rate 16', '96x256']),
        ((128, 256), (500, 256), ['test Resize scale 256x500', 'rate 16']),
    ],
)
def test_input_sizes_refuses(crop, scale, words):
    with pytest.raises(InputSizeError) as info:
        check_input_sizes(_cfg(crop, scale))
    for word in words:
        assert word in str(info.value)


def test_slide_test_checks_the_window_not_the_image():
    cfg = _cfg((64, 64), scale=(565, 584))  # DRIVE: 584x565 is not a multiple of 16
    cfg.model.test_cfg = dict(mode='slide', crop_size=(64, 64), stride=(42, 42))
    check_input_sizes(cfg)
    cfg.model.test_cfg.crop_size = (60, 60)
    with pytest.raises(InputSizeError, match='crop_size \\(slide\\) 60x60'):
        check_input_sizes(cfg)


def test_train_crop_inside_a_repeat_dataset_is_checked():
    cfg = _cfg((128, 256))
    cfg.train_dataloader.dataset = dict(
        type='RepeatDataset', dataset=dict(pipeline=[dict(type='RandomCrop', crop_size=(60, 64))])
    )
    with pytest.raises(InputSizeError, match='train crop_size \\(RandomCrop\\) 60x64'):
        check_input_sizes(cfg)


def test_the_nnunet_crop_is_checked_like_a_random_crop():
    cfg = _cfg((128, 256))
    cfg.train_dataloader.dataset.pipeline = [dict(type='RandomCropRotateScale', crop_size=(60, 64))]
    with pytest.raises(InputSizeError, match='train crop_size \\(RandomCropRotateScale\\) 60x64'):
        check_input_sizes(cfg)


@pytest.mark.parametrize(
    'backbone, words',
    [
        (
            dict(type='UNet', num_stages=5, strides=(1, 1, 1, 1), downsamples=(True,) * 3),
            ['num_stages=5 needs 5 entries', 'strides has 4', 'downsamples has 3'],
        ),
        (dict(type='AttentionUNet', num_stages=6), ['strides (default) has 5']),
        (
            dict(type='AttentionUNet', num_stages=4, attention_stages=(True,) * 4),
            ['attention_stages has 4'],
        ),
        (dict(type='UNet', num_stages=1), ['integer >= 2']),
        (dict(type='UNet', num_stages='4'), ['integer >= 2']),
    ],
)
def test_stage_tuples_that_do_not_fit(backbone, words):
    with pytest.raises(ToolError) as error:
        backbone_downsample_rate(dict(backbone=backbone))
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize('split', ['train', 'val', 'test'])
def test_persistent_workers_without_workers_are_refused(split):
    cfg = Config({f'{s}_dataloader': dict(num_workers=2, persistent_workers=True) for s in
                  ('train', 'val', 'test')})  # fmt: skip
    check_dataloaders(cfg)
    cfg[f'{split}_dataloader'].num_workers = 0
    with pytest.raises(ToolError, match=f'{split}_dataloader has persistent_workers=True'):
        check_dataloaders(cfg)


@MODELS.register_module()
class _OwnCompactPreprocessor(CompactLabelSegDataPreProcessor):
    """A user's subclass: it widens the labels as its parent does."""


@pytest.mark.parametrize(
    'pack, preprocessor, refused',
    [
        ('PackCompactSegInputs', 'CompactLabelSegDataPreProcessor', False),
        ('PackCompactSegInputs', '_OwnCompactPreprocessor', False),
        ('PackCompactSegInputs', 'SegDataPreProcessor', True),  # uint8 would reach the loss
        ('PackSegInputs', 'SegDataPreProcessor', False),  # mmseg's int64 labels
        ('PackSegInputs', 'CompactLabelSegDataPreProcessor', False),
    ],
)
def test_uint8_labels_need_a_preprocessor_that_widens_them(pack, preprocessor, refused):
    cfg = Config(dict(
        model=dict(data_preprocessor=dict(type=preprocessor)),
        train_dataloader=dict(dataset=dict(pipeline=[dict(type='LoadAnnotations'),
                                                     dict(type=pack)])),
    ))  # fmt: skip
    if not refused:
        check_compact_labels(cfg)
        return
    with pytest.raises(ConfigValueError) as error:
        check_compact_labels(cfg)
    message = str(error.value)
    assert "'SegDataPreProcessor' does not widen them" in message
    assert "type='CompactLabelSegDataPreProcessor'" in message and "'PackSegInputs'" in message


@MODELS.register_module()
class _Stride3Backbone(torch.nn.Module):
    """A backbone of another family that declares its rule, as docs/en/develop.md shows."""

    @classmethod
    def downsample_rate(cls, depth: int = 2) -> int:
        if depth < 1:
            raise ToolError(f'model.backbone.depth must be >= 1, got {depth}')
        return 3**depth


def test_any_backbone_that_declares_its_rate_gets_the_checks():
    cfg = _cfg((90, 90), scale=(90, 90))
    cfg.model.backbone = dict(type='_Stride3Backbone')
    check_input_sizes(cfg)
    cfg.model.backbone.depth = 3
    with pytest.raises(InputSizeError, match='not divisible by the backbone downsample rate 27'):
        check_input_sizes(cfg)
    cfg.model.backbone.depth = 0
    with pytest.raises(ToolError, match='depth must be >= 1'):
        check_input_sizes(cfg)


def test_a_backbone_without_a_rule_is_said_to_go_unchecked(monkeypatch):
    said = []
    monkeypatch.setattr(downsample_rate, 'print_log', lambda line, **kwargs: said.append(line))
    cfg = _cfg((100, 100))
    cfg.model.backbone = dict(type='ResNetV1c')
    check_input_sizes(cfg)
    assert said == [
        'input sizes are not checked: the backbone declares no downsample_rate '
        '(docs/en/develop.md says how a backbone declares one)'
    ]
