import pytest

from attn_unet.analysis import model_complexity
from attn_unet.apis import build_segmentor, load_config
from attn_unet.errors import ToolError


def test_params_and_flops_of_tiny_models(tiny):
    infos = {}
    for kind in ('attn', 'unet'):
        cfg = load_config(tiny[f'{kind}_config'])
        infos[kind] = model_complexity(cfg, (32, 64))
        model = build_segmentor(cfg)
        assert infos[kind]['params'] == sum(p.numel() for p in model.parameters())
    assert infos['attn']['params'] > infos['unet']['params']
    assert infos['attn']['flops'] > infos['unet']['flops'] > 0
    assert 'backbone.attention_gates' in infos['attn']['table']
    assert 'backbone.attention_gates' not in infos['unet']['table']


def test_flops_scale_with_pixels(tiny):
    cfg = load_config(tiny['unet_config'])
    small, large = (model_complexity(cfg, shape)['flops'] for shape in ((32, 64), (64, 128)))
    assert large == pytest.approx(4 * small, rel=0.01)


def test_shape_must_fit_the_backbone(tiny):
    with pytest.raises(
        ToolError, match='30x64 is not divisible by the backbone downsample rate 4 .* e.g. 32x64'
    ):
        model_complexity(load_config(tiny['attn_config']), (30, 64))
