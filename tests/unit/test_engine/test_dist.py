"""More processes per node than visible GPUs are refused in one line, before any rank starts."""

import pytest
import torch

from attn_unet.engine.dist import check_gpu_per_process
from attn_unet.errors import ToolError


@pytest.mark.parametrize(
    'cuda, visible, env, refused',
    [
        (False, 0, dict(LOCAL_WORLD_SIZE='8', LOCAL_RANK='7'), False),  # CPU ranks: gloo
        (True, 8, dict(LOCAL_WORLD_SIZE='8', LOCAL_RANK='7'), False),
        (True, 1, dict(LOCAL_WORLD_SIZE='8', LOCAL_RANK='0'), True),  # every rank refuses
        (True, 2, dict(LOCAL_RANK='2'), True),  # a launcher without LOCAL_WORLD_SIZE
        (True, 2, dict(LOCAL_RANK='1'), False),
    ],
)
def test_check_gpu_per_process(monkeypatch, cuda, visible, env, refused):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: cuda)
    monkeypatch.setattr(torch.cuda, 'device_count', lambda: visible)
    monkeypatch.delenv('LOCAL_WORLD_SIZE', raising=False)
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '3')
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if not refused:
        check_gpu_per_process()
        return
    with pytest.raises(ToolError) as error:
        check_gpu_per_process()
    message = str(error.value)
    assert f'but {visible} GPU' in message and '(CUDA_VISIBLE_DEVICES=3)' in message
    assert f'at most {visible}' in message and 'several nodes' in message
