"""--device auto takes CUDA when there is one and says so; explicit devices are held to."""

import pytest
import torch

from attn_unet.apis.predict.device import onnx_providers
from attn_unet.apis.predict.device import torch_device as pick
from attn_unet.errors import ToolError


@pytest.fixture
def cuda(monkeypatch):
    """Fake torch's CUDA; ``torch_device`` is called as the pytorch backend calls it."""

    def fake(available: bool, count: int = 1):
        monkeypatch.setattr(torch.cuda, 'is_available', lambda: available)
        monkeypatch.setattr(torch.cuda, 'device_count', lambda: count if available else 0)

    return fake


def torch_device(device):
    return pick(device, torch.cuda.is_available(), torch.cuda.device_count())


def test_auto_takes_cuda_when_available_and_says_why(cuda):
    cuda(True)
    device, line = torch_device('auto')
    assert device == 'cuda' and line.startswith('device: cuda (--device auto')
    cuda(False)
    device, line = torch_device('auto')
    assert device == 'cpu' and 'no CUDA device' in line


@pytest.mark.parametrize('device', ['cpu', 'cuda', 'cuda:1'])
def test_explicit_devices_are_kept_when_present(cuda, device):
    cuda(True, count=2)
    assert torch_device(device)[0] == device


@pytest.mark.parametrize(
    'device, available', [('cuda', False), ('cuda:0', False), ('cuda:3', True)]
)
def test_an_explicit_cuda_without_the_device_is_refused(cuda, device, available):
    cuda(available, count=2)
    with pytest.raises(ToolError, match=f'--device {device}: torch sees'):
        torch_device(device)


@pytest.mark.parametrize('device', ['gpu', 'cuda:x', 'CPU', ''])
def test_bad_names_are_one_line(device):
    with pytest.raises(ToolError, match='pass auto'):
        torch_device(device)


def test_onnxruntime_providers_follow_the_same_rule():
    assert onnx_providers('auto', ['CPUExecutionProvider'])[0] == ['CPUExecutionProvider']
    both = ['CUDAExecutionProvider', 'CPUExecutionProvider']
    assert onnx_providers('auto', both)[0] == both
    assert onnx_providers('cpu', both)[0] == ['CPUExecutionProvider']
    with pytest.raises(ToolError, match='onnxruntime-gpu'):
        onnx_providers('cuda', ['CPUExecutionProvider'])
