"""A Runner that also trains distributed on CPU and checks its input first.

Selected by ``runner_type = 'AttnUNetRunner'`` in
``configs/_base_/default_runtime.py``, so mmseg's own ``tools/train.py`` (which
builds ``RUNNERS.build(cfg)`` when the config names a runner type) gets it too.
On CUDA it behaves like mmengine's :class:`~mmengine.runner.Runner`.
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
from mmengine.registry import MODEL_WRAPPERS, RUNNERS
from mmengine.runner import Runner

from .dist import init_cpu_dist
from .preflight import (
    check_checkpoint,
    check_datasets,
    check_input_sizes,
    resolve_resume_checkpoint,
)
from .sync_bn import convert_sync_bn_to_cpu

__all__ = ['AttnUNetRunner', 'apply_memory_format']

MEMORY_FORMATS = {'channels_last': torch.channels_last, 'contiguous': torch.contiguous_format}


def _inputs_to(memory_format: torch.memory_format):
    def hook(module: nn.Module, args, output):
        inputs = output.get('inputs') if isinstance(output, dict) else None
        if torch.is_tensor(inputs) and inputs.dim() == 4:
            output['inputs'] = inputs.contiguous(memory_format=memory_format)
        return output

    return hook


def apply_memory_format(model: nn.Module, name: str) -> nn.Module:
    """Put ``model``'s weights and its preprocessed inputs in memory format ``name``.

    Args:
        model: a segmentor; if it has a ``data_preprocessor``, the batch it
            returns (``inputs`` of shape (N, C, H, W)) is converted too.
        name: ``'channels_last'`` or ``'contiguous'``.
    """
    if name not in MEMORY_FORMATS:
        raise ValueError(f'model_memory_format must be one of {list(MEMORY_FORMATS)}, got {name!r}')
    memory_format = MEMORY_FORMATS[name]
    model.to(memory_format=memory_format)
    preprocessor = getattr(model, 'data_preprocessor', None)
    if isinstance(preprocessor, nn.Module):
        preprocessor.register_forward_hook(_inputs_to(memory_format))
    return model


@RUNNERS.register_module()
class AttnUNetRunner(Runner):
    """mmengine's Runner plus CPU (gloo) distributed training and input checks.

    Extra top-level config keys:
        model_memory_format: ``'channels_last'`` converts the model and its
            inputs (default: leave as is).
        cpu_sync_bn: ``'sync'`` (default) keeps SyncBN synchronised across
            CPU ranks with gloo all-reduce; ``'local'`` turns it into BN, each
            rank normalising its own batch.
    """

    @classmethod
    def from_cfg(cls, cfg) -> 'AttnUNetRunner':
        """Check sizes and checkpoints, then build as mmengine does."""
        check_input_sizes(cfg)
        if cfg.get('resume'):
            resolve_resume_checkpoint(cfg)
        elif cfg.get('load_from'):
            check_checkpoint(cfg.load_from, purpose='load_from')
        return super().from_cfg(cfg)

    def setup_env(self, env_cfg: dict) -> None:
        if self.distributed and not is_distributed() and not torch.cuda.is_available():
            dist_cfg = dict(env_cfg.get('dist_cfg') or {})
            dist_cfg.pop('init_backend', None)
            init_cpu_dist(self.launcher, dist_cfg.pop('backend', 'gloo'), **dist_cfg)
        super().setup_env(env_cfg)

    def wrap_model(self, model_wrapper_cfg, model: nn.Module) -> nn.Module:
        memory_format = self.cfg.get('model_memory_format')
        if memory_format and not is_model_wrapper(model):
            apply_memory_format(model, memory_format)
            self.logger.info(f'model and inputs use memory format {memory_format}')
        if not self.distributed or torch.cuda.is_available() or is_model_wrapper(model):
            return super().wrap_model(model_wrapper_cfg, model)
        return self._wrap_cpu_ddp(model_wrapper_cfg, model)

    def _wrap_cpu_ddp(self, model_wrapper_cfg, model: nn.Module) -> nn.Module:
        if self.cfg.get('sync_bn') is not None:
            model = convert_sync_batchnorm(model, self.cfg.sync_bn)
        if self.cfg.get('cpu_sync_bn', 'sync') == 'local':
            model = revert_sync_batchnorm(model)
            self.logger.info(
                'CPU distributed training: SyncBN converted to BN, each rank normalises '
                'with the statistics of its own batch'
            )
        else:
            model = convert_sync_bn_to_cpu(model)
            self.logger.info(
                'CPU distributed training: SyncBN kept synchronised across ranks '
                '(gloo all-reduce of batch statistics)'
            )
        if model_wrapper_cfg is None:
            return MMDistributedDataParallel(
                module=model,
                broadcast_buffers=False,
                find_unused_parameters=self.cfg.get('find_unused_parameters', False),
            )
        model_wrapper_cfg.setdefault('type', 'MMDistributedDataParallel')
        return MODEL_WRAPPERS.build(model_wrapper_cfg, default_args=dict(module=model))

    def train(self) -> nn.Module:
        check_datasets(self.cfg, 'train')
        return super().train()

    def val(self) -> dict:
        check_datasets(self.cfg, 'val')
        return super().val()

    def test(self) -> dict:
        check_datasets(self.cfg, 'test')
        return super().test()
