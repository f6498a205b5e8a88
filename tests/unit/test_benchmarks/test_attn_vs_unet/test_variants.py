import pytest
from attn_vs_unet import parse_sizes, variant_config

from attn_unet.errors import ToolError
from tests.helpers.tiny_setup import ATTN_CONFIG


def test_parse_sizes():
    assert parse_sizes('128x256, 64X128') == [(128, 256), (64, 128)]
    with pytest.raises(ToolError, match='not HxW'):
        parse_sizes('128')


def test_variant_config_scales_heads_with_width():
    cfg = variant_config(ATTN_CONFIG, 8, with_cp=True)
    assert cfg.model.backbone.base_channels == 8 and cfg.model.backbone.with_cp
    assert cfg.model.decode_head.in_channels == 8 and cfg.model.auxiliary_head.in_channels == 16
    assert cfg.model.backbone.norm_cfg.type == 'BN'
