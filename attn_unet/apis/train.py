"""What ``tools/train.py`` does, with mmseg 1.2.2's meaning: arguments, config, train."""

import logging

from mmengine.config import Config
from mmengine.logging import print_log

from attn_unet.errors import ToolError

from .config import load_config
from .runner import build_runner, set_work_dir

__all__ = ['prepare_train_cfg', 'run_train']

AMP_WRAPPER = 'AutoAmpOptimWrapper'


def _enable_amp(cfg: Config) -> None:
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper in ('AmpOptimWrapper', AMP_WRAPPER):
        cfg.optim_wrapper.type = AMP_WRAPPER
        print_log('AMP training is already enabled in your config.', 'current', logging.WARNING)
        return
    if wrapper != 'OptimWrapper':
        raise ToolError(f'--amp needs optim_wrapper.type OptimWrapper, the config has {wrapper}')
    cfg.optim_wrapper.type = AMP_WRAPPER
    cfg.optim_wrapper.loss_scale = 'dynamic'


def prepare_train_cfg(args) -> Config:
    """Config for ``tools/train.py`` from its parsed arguments.

    ``--resume`` alone resumes from ``<work_dir>/last_checkpoint``;
    ``--resume PATH`` from that checkpoint. ``--overwrite`` sets ``cfg.overwrite``: a
    fresh run may start in a work dir holding another run's checkpoints, which are
    moved into ``replaced_<timestamp>/`` first.
    """
    cfg = load_config(args.config, args.cfg_options, args.launcher)
    set_work_dir(cfg, args.config, args.work_dir)
    if args.amp:
        _enable_amp(cfg)
    if getattr(args, 'channels_last', False):
        cfg.model_memory_format = 'channels_last'
    if getattr(args, 'overwrite', False):
        cfg.overwrite = True
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    return cfg


def run_train(args) -> None:
    """``tools/train.py``: build the runner the config names and train."""
    build_runner(prepare_train_cfg(args), mode='train').train()
