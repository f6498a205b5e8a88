import pytest
import torch

from attn_unet.apis import build_segmentor, load_config, load_image, load_segmentor, syncbn_to_bn
from attn_unet.errors import ToolError
from tests.helpers.tiny_setup import ATTN_CONFIG


def test_single_process_models_get_bn_where_the_config_names_syncbn():
    cfg = load_config(ATTN_CONFIG)
    assert cfg.model.backbone.norm_cfg.type == 'SyncBN'  # the config itself is left as written
    model = build_segmentor(cfg)
    assert not any(isinstance(m, torch.nn.SyncBatchNorm) for m in model.modules())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())
    assert cfg.model.backbone.norm_cfg.type == 'SyncBN'
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


def test_load_image_errors(tmp_path):
    with pytest.raises(ToolError, match='image .* not found'):
        load_image(str(tmp_path / 'x.png'))
    (tmp_path / 'x.png').write_bytes(b'garbage')
    with pytest.raises(ToolError, match='cannot decode image'):
        load_image(str(tmp_path / 'x.png'))
