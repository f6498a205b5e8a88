"""Helpers for tests that start process groups on this machine."""

import datetime
import os
import socket
import time

import pytest
import torch.distributed as dist
import torch.multiprocessing as mp

RANK_TIMEOUT_S = 120


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, for a rendezvous."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def join_gloo_group(rank: int, world_size: int, port: int) -> None:
    """Join a gloo group on 127.0.0.1 that gives up after ``RANK_TIMEOUT_S`` instead of 30 min."""
    dist.init_process_group(
        'gloo',
        init_method=f'tcp://127.0.0.1:{port}',
        rank=rank,
        world_size=world_size,
        timeout=datetime.timedelta(seconds=RANK_TIMEOUT_S),
    )


def leave_rank() -> None:
    """End a spawned rank at once, after a barrier, without tearing down the process group.

    Tearing it down can deadlock in torch 2.13: the last reference to a gloo group is
    dropped with the GIL held, and its destructor joins a worker thread that is still
    destroying a finished collective and waits for the GIL. Seen in this suite as a spawn
    child stuck in ``~ProcessGroupGloo``.
    """
    dist.barrier()
    os._exit(0)


def spawn_ranks(fn, args: tuple, nprocs: int = 2, timeout_s: float = RANK_TIMEOUT_S) -> None:
    """Run ``fn(rank, *args)`` in ``nprocs`` spawned processes; fail the test if any hangs.

    A rank that raises fails the test with its traceback, as ``mp.spawn`` does.
    """
    context = mp.start_processes(fn, args=args, nprocs=nprocs, join=False, start_method='spawn')
    deadline = time.monotonic() + timeout_s
    while not context.join(timeout=max(0.0, deadline - time.monotonic())):
        if time.monotonic() >= deadline:
            stuck = [rank for rank, p in enumerate(context.processes) if p.is_alive()]
            for rank in stuck:
                context.processes[rank].kill()
            pytest.fail(f'ranks {stuck} of {nprocs} did not finish within {timeout_s} s')
