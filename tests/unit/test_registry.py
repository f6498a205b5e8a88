"""attn_unet registers into mmseg's and mmengine's own registries, so their configs and tools
find it."""

import mmengine.registry
import mmseg.registry
import pytest

import attn_unet
from attn_unet import registry

MMENGINE_ROOT_REGISTRIES = ('FUNCTIONS', 'LOOPS', 'MODEL_WRAPPERS', 'OPTIM_WRAPPERS', 'RUNNERS')


@pytest.mark.parametrize('name', registry.__all__)
def test_registries_are_the_frameworks_own(name):
    owner = mmengine.registry if name in MMENGINE_ROOT_REGISTRIES else mmseg.registry
    assert getattr(registry, name) is getattr(owner, name)


@pytest.mark.parametrize('name', ['AttentionUNet', 'AttentionGate'])
def test_importing_attn_unet_registers_models(name):
    assert registry.MODELS.get(name) is getattr(attn_unet, name)


def test_the_collate_is_found_as_mmengine_builds_a_dataloader():
    from mmengine.registry import FUNCTIONS

    assert FUNCTIONS.get('shared_batch_collate') is attn_unet.datasets.shared_batch_collate
