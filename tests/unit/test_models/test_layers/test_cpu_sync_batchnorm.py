"""CPUSyncBatchNorm: conversion keeps parameters; two gloo ranks share batch statistics."""

import torch
import torch.multiprocessing as mp
import torch.nn as nn

from attn_unet.models.layers import CPUSyncBatchNorm, convert_sync_bn_to_cpu
from tests.helpers.distributed import free_port, join_gloo_group, leave_rank, spawn_ranks


def test_convert_keeps_parameters_and_matches_bn_without_group():
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.SyncBatchNorm(4))
    weight = model[1].weight
    converted = convert_sync_bn_to_cpu(model)
    assert isinstance(converted[1], CPUSyncBatchNorm)
    assert converted[1].weight is weight
    x = torch.randn(2, 3, 5, 5)
    reference = nn.BatchNorm2d(4)
    reference.load_state_dict(converted[1].state_dict())
    torch.testing.assert_close(
        converted[1](x[:, :1].repeat(1, 4, 1, 1)), reference(x[:, :1].repeat(1, 4, 1, 1))
    )


def _worker(rank, port, batches, out):
    join_gloo_group(rank, 2, port)
    bn = CPUSyncBatchNorm(3)
    x = batches[rank].clone().requires_grad_(True)
    y = bn(x)
    (y * torch.arange(3.0).view(1, 3, 1, 1)).sum().backward()
    out[rank] = (y.detach(), x.grad, bn.running_mean.clone(), bn.running_var.clone())
    leave_rank()


def test_two_ranks_normalise_with_global_statistics():
    port = free_port()
    torch.manual_seed(0)
    batches = [torch.randn(2, 3, 4, 4) + 3, torch.randn(3, 3, 4, 4) - 1]
    out = mp.Manager().dict()
    spawn_ranks(_worker, args=(port, batches, out))

    reference = nn.BatchNorm2d(3)
    full = torch.cat(batches).requires_grad_(True)
    y = reference(full)
    (y * torch.arange(3.0).view(1, 3, 1, 1)).sum().backward()
    torch.testing.assert_close(torch.cat([out[0][0], out[1][0]]), y.detach())
    # Gradient of the sum of both ranks' losses, as SyncBN on GPUs gives.
    torch.testing.assert_close(torch.cat([out[0][1], out[1][1]]), full.grad, atol=1e-5, rtol=1e-4)
    for rank in (0, 1):
        torch.testing.assert_close(out[rank][2], reference.running_mean)
        torch.testing.assert_close(out[rank][3], reference.running_var)
