"""Process-group set-up for machines without CUDA.

mmengine's launchers call ``torch.cuda.set_device`` and default to nccl;
:func:`init_cpu_dist` reads the same launcher environment and starts a gloo
group instead.
"""

import datetime
import os
import subprocess

import torch.distributed as torch_dist

from attn_unet.errors import ToolError

__all__ = ['check_gpu_per_process', 'check_launcher_env', 'init_cpu_dist', 'launcher_rank']

DEFAULT_PORT = '29500'
LAUNCHER_ENV = {
    'pytorch': ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT'),
    'slurm': ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST'),
    'mpi': ('OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_SIZE'),
}
LAUNCHER_HINT = {
    'pytorch': 'start it with tools/dist_train.sh / tools/dist_test.sh (torchrun)',
    'slurm': 'start it with tools/slurm_train.sh / tools/slurm_test.sh (srun)',
    'mpi': 'start it with mpirun',
}


def check_launcher_env(launcher: str) -> None:
    """Refuse ``--launcher X`` in a process that launcher did not start.

    Raises:
        ToolError: naming the missing variables and how to start the job.
    """
    missing = [name for name in LAUNCHER_ENV.get(launcher, ()) if name not in os.environ]
    if missing:
        raise ToolError(
            f'--launcher {launcher} but {", ".join(missing)} not set (the launcher sets them): '
            f'{LAUNCHER_HINT[launcher]}, or drop --launcher to run one process'
        )


def check_gpu_per_process() -> None:
    """Refuse more processes on this node than it has visible GPUs (CUDA machines only).

    mmengine gives local rank N the GPU N; beyond the visible ones it dies in
    ``_get_device_id`` (``IndexError``) or in ``torch.cuda.set_device`` ("invalid device
    ordinal"), one traceback per rank. Without CUDA the ranks train on the CPU (gloo) and
    any count is fine.

    Raises:
        ToolError: naming the counts and the fixes.
    """
    import torch

    if not torch.cuda.is_available():
        return
    visible = torch.cuda.device_count()
    per_node = int(os.environ.get('LOCAL_WORLD_SIZE', int(os.environ.get('LOCAL_RANK', 0)) + 1))
    if per_node > visible:
        raise ToolError(too_many_processes(per_node, visible))


def too_many_processes(per_node: int, visible: int) -> str:
    """The one line refusing ``per_node`` processes on a node with ``visible`` GPUs."""
    shown = os.environ.get('CUDA_VISIBLE_DEVICES')
    where = f' (CUDA_VISIBLE_DEVICES={shown})' if shown is not None else ''
    return (
        f'{per_node} processes per node but {visible} GPU{"s" if visible != 1 else ""} visible'
        f'{where}: start at most {visible} (e.g. bash tools/dist_train.sh CONFIG {visible}), make '
        'more GPUs visible with CUDA_VISIBLE_DEVICES, or spread the job over several nodes '
        '(NNODES, NODE_RANK, MASTER_ADDR)'
    )


def launcher_rank(launcher: str) -> int:
    """This process' global rank as its launcher set it, before any process group exists.

    Args:
        launcher: ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``; call
            :func:`check_launcher_env` first (a missing variable reads as rank 0).
    """
    name = LAUNCHER_ENV.get(launcher, (None,))[0]
    return int(os.environ.get(name, '0')) if name else 0


def _slurm_env(port=None) -> None:
    node_list = os.environ['SLURM_NODELIST']
    os.environ.setdefault(
        'MASTER_ADDR', subprocess.getoutput(f'scontrol show hostname {node_list} | head -n1')
    )
    os.environ['MASTER_PORT'] = str(port or os.environ.get('MASTER_PORT', DEFAULT_PORT))
    os.environ['WORLD_SIZE'] = os.environ['SLURM_NTASKS']
    os.environ['RANK'] = os.environ['SLURM_PROCID']
    os.environ['LOCAL_RANK'] = os.environ.get('SLURM_LOCALID', '0')


def _mpi_env() -> None:
    os.environ.setdefault('MASTER_PORT', DEFAULT_PORT)
    if 'MASTER_ADDR' not in os.environ:
        raise KeyError('MASTER_ADDR is not set; export it for the mpi launcher')
    os.environ['WORLD_SIZE'] = os.environ['OMPI_COMM_WORLD_SIZE']
    os.environ['RANK'] = os.environ['OMPI_COMM_WORLD_RANK']
    os.environ['LOCAL_RANK'] = os.environ.get('OMPI_COMM_WORLD_LOCAL_RANK', '0')


def init_cpu_dist(launcher: str, backend: str = 'gloo', **kwargs) -> None:
    """Initialise the default process group with gloo for CPU training.

    Args:
        launcher: ``'pytorch'`` (torchrun environment), ``'slurm'`` or ``'mpi'``.
        backend: requested backend; anything but gloo/mpi is replaced by gloo,
            the only CPU backend torch ships.
        **kwargs: ``timeout`` (seconds or timedelta), ``port`` (slurm) and the
            rest of ``init_process_group``'s keywords.
    """
    if launcher == 'slurm':
        _slurm_env(kwargs.pop('port', None))
    elif launcher == 'mpi':
        _mpi_env()
    elif launcher != 'pytorch':
        raise ValueError(f'launcher must be pytorch, slurm or mpi, got {launcher!r}')
    kwargs.pop('port', None)
    timeout = kwargs.get('timeout')
    if timeout is not None and not isinstance(timeout, datetime.timedelta):
        kwargs['timeout'] = datetime.timedelta(seconds=timeout)
    torch_dist.init_process_group(
        backend=backend if backend in ('gloo', 'mpi') else 'gloo',
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        **kwargs,
    )
