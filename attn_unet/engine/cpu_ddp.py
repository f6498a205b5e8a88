"""Distributed training without CUDA: a gloo process group and a DDP wrapper that fits it.

mmengine's Runner starts an nccl group and wraps the model for CUDA. On a
machine without CUDA, :func:`setup_cpu_dist` starts the gloo group from the same
launcher environment (:mod:`.dist`) and :func:`wrap_cpu_ddp` wraps the model in
``MMDistributedDataParallel`` with SyncBN either kept synchronised over gloo
(:class:`~attn_unet.models.layers.CPUSyncBatchNorm`, the default) or turned into per-rank BN
(``cpu_sync_bn='local'``).
"""

import torch
import torch.nn as nn
from mmengine.dist import is_distributed
from mmengine.model import (
    MMDistributedDataParallel,
    convert_sync_batchnorm,
    is_model_wrapper,
    revert_sync_batchnorm,
)

from attn_unet.models.layers import convert_sync_bn_to_cpu
from attn_unet.registry import MODEL_WRAPPERS

from .dist import check_launcher_env, init_cpu_dist

__all__ = ['needs_cpu_ddp', 'setup_cpu_dist', 'wrap_cpu_ddp']


def setup_cpu_dist(launcher: str, env_cfg: dict) -> None:
    """Refuse a launcher that did not start this process; without CUDA, start gloo.

    Call for a distributed run before mmengine's ``setup_env`` (which then finds
    the group started and leaves it).

    Args:
        launcher: ``'pytorch'``, ``'slurm'`` or ``'mpi'``.
        env_cfg: the config's ``env_cfg``; its ``dist_cfg`` (``backend``, ``timeout``, ...)
            goes to :func:`~.dist.init_cpu_dist`.

    Raises:
        ToolError: the launcher's environment variables are missing.
    """
    check_launcher_env(launcher)
    if is_distributed() or torch.cuda.is_available():
        return
    dist_cfg = dict(env_cfg.get('dist_cfg') or {})
    dist_cfg.pop('init_backend', None)
    init_cpu_dist(launcher, dist_cfg.pop('backend', 'gloo'), **dist_cfg)


def needs_cpu_ddp(distributed: bool, model: nn.Module) -> bool:
    """Whether ``model`` is to be wrapped by :func:`wrap_cpu_ddp` rather than by mmengine."""
    return distributed and not torch.cuda.is_available() and not is_model_wrapper(model)


def wrap_cpu_ddp(model: nn.Module, cfg, model_wrapper_cfg: dict | None, logger) -> nn.Module:
    """Wrap ``model`` for distributed training on CPU ranks.

    Args:
        model: the segmentor.
        cfg: the full config: ``sync_bn`` (mmengine's, converts BN to SyncBN
            first), ``cpu_sync_bn`` (``'sync'``, the default, or ``'local'``),
            ``find_unused_parameters``.
        model_wrapper_cfg: the config's ``model_wrapper_cfg``; None gives
            ``MMDistributedDataParallel`` without broadcast buffers.
        logger: where the one line saying how SyncBN behaves goes.

    Returns:
        The wrapped model.
    """
    if cfg.get('sync_bn') is not None:
        model = convert_sync_batchnorm(model, cfg.sync_bn)
    if cfg.get('cpu_sync_bn', 'sync') == 'local':
        model = revert_sync_batchnorm(model)
        logger.info(
            'CPU distributed training: SyncBN converted to BN, each rank normalises '
            'with the statistics of its own batch'
        )
    else:
        model = convert_sync_bn_to_cpu(model)
        logger.info(
            'CPU distributed training: SyncBN kept synchronised across ranks '
            '(gloo all-reduce of batch statistics)'
        )
    if model_wrapper_cfg is None:
        return MMDistributedDataParallel(
            module=model,
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False),
        )
    model_wrapper_cfg.setdefault('type', 'MMDistributedDataParallel')
    return MODEL_WRAPPERS.build(model_wrapper_cfg, default_args=dict(module=model))
