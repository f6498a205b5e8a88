"""Specification of the allow-list that lets torch's safe loader read mmengine checkpoints."""

import io
import os
import pickle
import subprocess

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.model import BaseModel
from mmengine.runner import Runner

import attn_unet  # noqa: F401  (registers the allow-list)
from attn_unet.compat import history_buffer_getattr, safe_globals


class _Getattr:
    """Pickles as ``getattr(obj, name)``, the way a crafted checkpoint would."""

    def __init__(self, obj, name):
        self.obj, self.name = obj, name

    def __reduce__(self):
        return getattr, (self.obj, self.name)


class _ToyModel(BaseModel):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return dict(loss=self.linear(inputs).pow(2).mean())


def _hub_state() -> dict:
    hub = MessageHub(f'spec-{id(object())}')
    for step in range(3):
        hub.update_scalar('train/loss', 1.0 / (step + 1))
        hub.update_scalar('train/lr', np.float64(0.01), count=2)
    hub.update_info('iter', 3)
    return hub.state_dict()


def _round_trip(obj, **save_kwargs):
    buffer = io.BytesIO()
    torch.save(obj, buffer, **save_kwargs)
    buffer.seek(0)
    return torch.load(buffer)  # weights_only=True is torch's default


@pytest.fixture
def no_allow_list():
    saved = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    yield
    torch.serialization.add_safe_globals(saved)


@pytest.mark.parametrize('name', ['min', 'max', 'current', 'mean'])
def test_getattr_resolves_statistics(name):
    assert history_buffer_getattr(HistoryBuffer, name) is getattr(HistoryBuffer, name)


@pytest.mark.parametrize(
    'obj, name', [(np.ndarray, 'tofile'), (HistoryBuffer, '__init__'), (os, 'system')]
)
def test_getattr_refuses_everything_else(obj, name):
    with pytest.raises(pickle.UnpicklingError, match='safe loader'):
        history_buffer_getattr(obj, name)


def test_message_hub_state_round_trips():
    state = _hub_state()
    loaded = _round_trip(state)
    buffer = loaded['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)
    assert loaded['log_scalars']['train/lr'].current() == pytest.approx(0.01)
    assert loaded['runtime_info']['iter'] == 3


def test_message_hub_state_needs_the_allow_list(no_allow_list):
    with pytest.raises(pickle.UnpicklingError, match='Unsupported global'):
        _round_trip(_hub_state())


@pytest.mark.parametrize('obj, name', [(np.ndarray, 'tofile'), (subprocess.Popen, '__init__')])
def test_crafted_getattr_is_refused(obj, name):
    with pytest.raises(pickle.UnpicklingError):
        _round_trip({'payload': _Getattr(obj, name)})


def test_numpy1_pickles_load():
    buffer = io.BytesIO()
    torch.save(
        {'arr': np.arange(3.0), 'x': np.float64(2.5)}, buffer, _use_new_zipfile_serialization=False
    )
    numpy1 = buffer.getvalue().replace(b'numpy._core.multiarray', b'numpy.core.multiarray')
    assert numpy1 != buffer.getvalue()
    loaded = torch.load(io.BytesIO(numpy1))
    np.testing.assert_array_equal(loaded['arr'], np.arange(3.0))
    assert loaded['x'] == 2.5


def test_safe_globals_are_only_data_types():
    callables = [entry[1] for entry in safe_globals() if isinstance(entry, tuple)]
    assert 'builtins.getattr' in callables
    assert all(name.startswith(('numpy.', 'builtins.getattr')) for name in callables)


def test_runner_resumes_from_its_checkpoint(tmp_path):
    def runner(max_iters, **kwargs):
        return Runner(
            model=_ToyModel(),
            work_dir=str(tmp_path),
            train_dataloader=dict(
                dataset=[dict(inputs=torch.randn(2)) for _ in range(8)],
                sampler=dict(type='DefaultSampler', shuffle=False),
                batch_size=2,
                collate_fn=dict(type='default_collate'),
            ),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
            param_scheduler=dict(type='PolyLR', power=0.9, eta_min=1e-4, by_epoch=False),
            train_cfg=dict(by_epoch=False, max_iters=max_iters),
            default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=2, by_epoch=False)),
            **kwargs,
        )

    runner(2).train()
    checkpoint = tmp_path / 'iter_2.pth'
    assert isinstance(
        torch.load(checkpoint)['message_hub']['log_scalars']['train/loss'], HistoryBuffer
    )
    resumed = runner(4, resume=True, load_from=str(checkpoint))
    resumed.train()
    assert resumed.iter == 4
    assert (tmp_path / 'iter_4.pth').is_file()
