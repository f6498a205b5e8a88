"""attention_maps, kept as module state in forward, survive torch.compile and DDP."""

import pytest
import torch
from torch.nn.parallel import DistributedDataParallel

from attn_unet.models.backbones import AttentionUNet
from tests.helpers.distributed import free_port, join_gloo_group, leave_rank, spawn_ranks
from tests.helpers.tiny_backbones import TINY3


def _ddp_rank(rank: int, port: int, folder: str) -> None:
    join_gloo_group(rank, 2, port)
    torch.manual_seed(0)  # same weights on both ranks
    model = AttentionUNet(**TINY3).train()
    ddp = DistributedDataParallel(model)
    torch.manual_seed(1 + rank)  # different data on each rank
    x = torch.randn(1 + rank, 3, 32, 32)
    outs = ddp(x)
    sum(o.sum() for o in outs).backward()
    maps = ddp.module.attention_maps
    gate_grad = model.attention_gates['0'].psi.weight.grad.clone()
    shapes = {k: tuple(v.shape) for k, v in maps.items()}
    torch.save(dict(shapes=shapes, grad=gate_grad), f'{folder}/rank{rank}.pth')
    leave_rank()


def test_maps_under_ddp_are_each_ranks_own(tmp_path):
    spawn_ranks(_ddp_rank, args=(free_port(), str(tmp_path)))
    results = [torch.load(tmp_path / f'rank{rank}.pth', weights_only=True) for rank in (0, 1)]
    for rank in (0, 1):
        batch = 1 + rank
        assert results[rank]['shapes'] == {0: (batch, 1, 32, 32), 1: (batch, 1, 16, 16)}
    # gradients are averaged across the ranks, so both hold the same
    torch.testing.assert_close(results[0]['grad'], results[1]['grad'])


@pytest.mark.parametrize('backend', ['eager', 'aot_eager'])
def test_maps_after_a_compiled_forward(backend):
    """Dynamo replays the attribute writes of forward; the backend only changes codegen."""
    torch._dynamo.reset()
    torch.manual_seed(0)
    model = AttentionUNet(**TINY3).train()
    x = torch.randn(2, 3, 32, 32)
    reference = AttentionUNet(**TINY3).train()
    reference.load_state_dict(model.state_dict())
    reference(x)

    compiled = torch.compile(model, backend=backend)
    outs = compiled(x)
    sum(o.sum() for o in outs).backward()

    maps = model.attention_maps
    assert sorted(maps) == [0, 1]
    for stage, alpha in reference.attention_maps.items():
        torch.testing.assert_close(maps[stage], alpha)
        assert not maps[stage].requires_grad
    assert all(p.grad is not None for p in model.attention_gates.parameters())
