import pytest
import torch
from attn_vs_unet import ModelBench, synthetic_inputs, variant_config
from mmengine.optim import OptimWrapper

from attn_unet.engine.amp import AutocastOptimWrapper
from tests.helpers.tiny_setup import ATTN_CONFIG


@pytest.mark.parametrize(
    'options, wrapper, channels_last',
    [
        ((), OptimWrapper, False),
        (('amp', 'channels_last'), AutocastOptimWrapper, True),  # --amp: bf16 on the CPU
    ],
)
def test_options_use_the_engine_setup(options, wrapper, channels_last):
    device = torch.device('cpu')
    bench = ModelBench('x', variant_config(ATTN_CONFIG, 4), device, options, None)
    assert type(bench.optim_wrapper) is wrapper
    conv = next(m for m in bench.model.modules() if isinstance(m, torch.nn.Conv2d))
    assert conv.weight.is_contiguous(memory_format=torch.channels_last) == channels_last
    inputs, samples, metas = synthetic_inputs(1, (32, 64), 19, device)
    before = conv.weight.detach().clone()
    bench.step('train', inputs, samples, metas)()
    assert not torch.equal(before, conv.weight)
    assert bench.peak_bytes(inputs, samples) > 0
