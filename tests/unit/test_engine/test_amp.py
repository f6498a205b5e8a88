"""AutoAmpOptimWrapper: bf16 autocast without loss scaling on CPU."""

import warnings

import pytest
import torch
import torch.nn as nn

from attn_unet.engine import AutoAmpOptimWrapper

pytestmark = pytest.mark.skipif(torch.cuda.is_available(), reason='CPU behaviour')


def _wrapper(**kwargs):
    model = nn.Conv2d(3, 4, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    return model, AutoAmpOptimWrapper(optimizer=optimizer, **kwargs)


def test_forward_runs_in_bfloat16_and_steps():
    model, wrapper = _wrapper()
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        assert torch.is_autocast_enabled('cpu')
        assert torch.get_autocast_dtype('cpu') == torch.bfloat16
        out = model(torch.randn(2, 3, 8, 8))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().mean())
    assert not torch.equal(before, model.weight)
    assert wrapper.loss_scaler is None
    assert 'loss_scaler' not in wrapper.state_dict()


def test_state_dict_round_trip():
    model, wrapper = _wrapper()
    with wrapper.optim_context(model):
        loss = model(torch.randn(1, 3, 8, 8)).float().sum()
    wrapper.update_params(loss)
    state = wrapper.state_dict()
    _, other = _wrapper()
    other.optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    other.load_state_dict(dict(state, loss_scaler={'scale': 1.0}))
    assert other.optimizer.state_dict()['state'].keys() == state['state'].keys()


def test_fp16_on_cpu_is_refused():
    with pytest.raises(ValueError, match='bfloat16 only'):
        _wrapper(dtype='float16')


@pytest.mark.parametrize(
    'avx512_bf16, amx, warns', [(False, False, True), (True, False, False), (False, True, False)]
)
def test_warns_only_on_a_cpu_without_native_bf16(monkeypatch, avx512_bf16, amx, warns):
    monkeypatch.setattr(torch.cpu, '_is_avx512_bf16_supported', lambda: avx512_bf16)
    monkeypatch.setattr(torch.cpu, '_is_amx_tile_supported', lambda: amx)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        _wrapper()
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert any('without AVX512-BF16 or AMX' in m for m in messages) == warns
