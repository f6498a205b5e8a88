"""attn_unet registers into mmseg's own registries, so mmseg configs and tools find it."""

import mmseg.registry
import pytest

import attn_unet
from attn_unet import registry


@pytest.mark.parametrize('name', registry.__all__)
def test_registries_are_mmsegs(name):
    assert getattr(registry, name) is getattr(mmseg.registry, name)


@pytest.mark.parametrize('name', ['AttentionUNet', 'AttentionGate'])
def test_importing_attn_unet_registers_models(name):
    assert registry.MODELS.get(name) is getattr(attn_unet, name)
