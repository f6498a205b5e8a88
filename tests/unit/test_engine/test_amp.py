"""AutoAmpOptimWrapper: bf16 autocast without a loss scaler where the device has bf16.

On CPU it trains here; on CUDA (faked) what is checked is the choice: dtype and scaler.
"""

import warnings

import pytest
import torch
import torch.nn as nn

from attn_unet.engine import AutoAmpOptimWrapper, amp
from attn_unet.errors import ConfigValueError

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


@pytest.mark.parametrize('dtype', ['float16', torch.float16])
def test_fp16_on_cpu_is_refused(dtype):
    with pytest.raises(ConfigValueError, match='bfloat16 only'):
        _wrapper(dtype=dtype)


@pytest.fixture
def fake_cuda(monkeypatch):
    """A CUDA card as the wrapper sees it; ``bf16`` says whether it has bf16."""
    from mmengine.optim.optimizer import amp_optimizer_wrapper

    card = dict(bf16=True)
    monkeypatch.setattr(amp, 'get_device', lambda: 'cuda')
    monkeypatch.setattr(amp_optimizer_wrapper, 'is_cuda_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'is_bf16_supported', lambda *args, **kwargs: card['bf16'])
    return card


@pytest.mark.parametrize(
    'bf16_card, dtype, expected, scaled',
    [
        (True, None, torch.bfloat16, False),  # --amp on Ampere and newer: no GradScaler
        (True, 'bfloat16', torch.bfloat16, False),
        (True, 'float16', torch.float16, True),  # chosen explicitly
        (False, None, torch.float16, True),  # older cards: fp16, dynamic scaling
    ],
)
def test_cuda_takes_bf16_without_a_scaler_where_the_card_has_it(
    fake_cuda, bf16_card, dtype, expected, scaled
):
    fake_cuda['bf16'] = bf16_card
    _, wrapper = _wrapper(dtype=dtype)
    assert wrapper.cast_dtype == expected
    assert (wrapper.loss_scaler is not None) == scaled
    assert ('loss_scaler' in wrapper.state_dict()) == scaled


def test_bf16_on_a_card_without_it_is_refused(fake_cuda):
    fake_cuda['bf16'] = False
    with pytest.raises(ConfigValueError, match='no bf16 .before Ampere.: pass float16'):
        _wrapper(dtype='bfloat16')


def test_an_unknown_dtype_is_refused():
    with pytest.raises(ConfigValueError, match="dtype='half'"):
        _wrapper(dtype='half')


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
