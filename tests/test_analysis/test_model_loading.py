import pytest
import torch

from attn_unet.analysis import (
    load_config,
    load_image,
    load_segmentor,
    syncbn_to_bn,
)
from attn_unet.engine import ToolError
from tests.test_tools_analysis.tiny_setup import ATTN_CONFIG


def test_syncbn_to_bn_reaches_nested_configs():
    cfg = load_config(ATTN_CONFIG)
    assert cfg.model.backbone.norm_cfg.type == 'BN' and cfg.model.decode_head.norm_cfg.type == 'BN'
    nested = syncbn_to_bn(dict(a=[dict(type='SyncBN')], b=(dict(type='GN'),)))
    assert nested == dict(a=[dict(type='BN')], b=(dict(type='GN'),))


def test_load_segmentor_takes_every_weight_and_pads(tiny):
    model = load_segmentor(tiny['attn_config'], tiny['attn_ckpt'])
    saved = torch.load(tiny['attn_ckpt'], weights_only=True)['state_dict']
    key = 'backbone.attention_gates.0.psi.weight'
    assert torch.equal(model.state_dict()[key], saved[key])
    assert model.dataset_meta['classes'][0] == 'road' and not model.training
    assert model.data_preprocessor.test_cfg['size_divisor'] == 4


@pytest.mark.parametrize(
    'make_bad, message',
    [
        (lambda t, p: p / 'none.pth', 'does not exist'),
        (
            lambda t, p: (p / 'bad.pth').write_bytes(b'not a checkpoint') and p / 'bad.pth',
            'corrupt or truncated',
        ),
        (
            lambda t, p: t['unet_ckpt'],
            'does not fit the model: [0-9]+ missing \\(backbone.attention_gates',
        ),
    ],
)
def test_load_segmentor_bad_checkpoint(tiny, tmp_path, make_bad, message):
    with pytest.raises(ToolError, match=message):
        load_segmentor(tiny['attn_config'], str(make_bad(tiny, tmp_path)))


def test_load_segmentor_refuses_extra_weights(tiny):
    extra_gates = 'does not fit the model: [0-9]+ unexpected \\(backbone.attention_gates'
    with pytest.raises(ToolError, match=extra_gates):
        load_segmentor(tiny['unet_config'], tiny['attn_ckpt'])


def test_load_config_and_image_errors(tmp_path):
    with pytest.raises(ToolError, match='config .* not found'):
        load_config(str(tmp_path / 'x.py'))
    (tmp_path / 'broken.py').write_text('model = dict(\n')
    with pytest.raises(ToolError, match='cannot read config'):
        load_config(str(tmp_path / 'broken.py'))
    with pytest.raises(ToolError, match='image .* not found'):
        load_image(str(tmp_path / 'x.png'))
    (tmp_path / 'x.png').write_bytes(b'garbage')
    with pytest.raises(ToolError, match='cannot decode image'):
        load_image(str(tmp_path / 'x.png'))
