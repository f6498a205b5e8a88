"""What ``tools/train.py`` and ``tools/test.py`` do, with mmseg 1.2.2's meaning.

The scripts only parse arguments; these functions turn them into a config,
check the input up front (see :mod:`attn_unet.engine.preflight`) and run.
"""

import json
import logging
import os
import os.path as osp

from mmengine.config import Config
from mmengine.dist import is_main_process
from mmengine.logging import print_log
from mmengine.runner import Runner

from .errors import ToolError
from .preflight import (
    check_cfg_option_keys,
    check_checkpoint,
    check_datasets,
    check_input_sizes,
    resolve_resume_checkpoint,
)

__all__ = [
    'build_runner',
    'load_config',
    'prepare_test_cfg',
    'prepare_train_cfg',
    'run_test',
    'run_train',
]

AMP_WRAPPER = 'AutoAmpOptimWrapper'
ATTENTION_HOOK = 'AttentionVisualizationHook'


def load_config(path: str, options: dict | None = None, launcher: str = 'none') -> Config:
    """Load a config, check ``--cfg-options`` keys, then merge them."""
    if not osp.isfile(path):
        raise ToolError(f'config file {path} does not exist')
    cfg = Config.fromfile(path)
    cfg.launcher = launcher
    if options:
        check_cfg_option_keys(cfg, options)
        cfg.merge_from_dict(options)
    return cfg


def _set_work_dir(cfg: Config, config_path: str, work_dir: str | None) -> None:
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])


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
    ``--resume PATH`` from that checkpoint.
    """
    cfg = load_config(args.config, args.cfg_options, args.launcher)
    _set_work_dir(cfg, args.config, args.work_dir)
    if args.amp:
        _enable_amp(cfg)
    if getattr(args, 'channels_last', False):
        cfg.model_memory_format = 'channels_last'
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    return cfg


def _enable_visualization(cfg: Config, args) -> None:
    from attn_unet.registry import HOOKS

    hook = cfg.default_hooks.get('visualization')
    if hook is None:
        raise ToolError('--show/--show-dir need default_hooks.visualization (SegVisualizationHook)')
    hook['draw'] = True
    # mmseg's hook paints every 50th image by default; --show-dir means every image.
    hook['interval'] = 1
    if args.show:
        hook['show'] = True
        hook['wait_time'] = args.wait_time
    if args.show_dir:
        show_dir = osp.join(cfg.work_dir, args.show_dir)  # absolute paths stay as they are
        cfg.visualizer['save_dir'] = show_dir
        if HOOKS.get(ATTENTION_HOOK) is not None:
            hooks = [h for h in cfg.get('custom_hooks', []) if h.get('type') != ATTENTION_HOOK]
            out_dir = osp.abspath(osp.join(show_dir, 'attention'))
            cfg.custom_hooks = hooks + [dict(type=ATTENTION_HOOK, out_dir=out_dir)]


def prepare_test_cfg(args) -> Config:
    """Config for ``tools/test.py`` from its parsed arguments."""
    cfg = load_config(args.config, args.cfg_options, args.launcher)
    _set_work_dir(cfg, args.config, args.work_dir)
    cfg.load_from = args.checkpoint
    cfg.resume = False
    if args.show or args.show_dir:
        _enable_visualization(cfg, args)
    if args.tta:
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model
    if args.out is not None:
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
    return cfg


def build_runner(cfg: Config, mode: str) -> Runner:
    """Check the input (sizes, data, checkpoint), then build the runner."""
    check_input_sizes(cfg)
    check_datasets(cfg, mode)
    if cfg.get('resume'):
        resolve_resume_checkpoint(cfg)
    elif cfg.get('load_from'):
        check_checkpoint(cfg.load_from, purpose='test' if mode == 'test' else 'load_from')
    if 'runner_type' not in cfg:
        return Runner.from_cfg(cfg)
    from mmseg.registry import RUNNERS

    return RUNNERS.build(cfg)


def run_train(args) -> None:
    """``tools/train.py``: build the runner and train."""
    build_runner(prepare_train_cfg(args), 'train').train()


def run_test(args) -> dict:
    """``tools/test.py``: evaluate a checkpoint, write the metrics as JSON.

    The JSON goes to ``args.out_metrics`` or ``<work_dir>/<timestamp>/metrics.json``.

    Returns:
        The metrics dict the test loop returns (``aAcc``, ``mIoU``, ``mAcc``; ``mDSC``,
        ``mHD95`` and per-organ scores with ``SynapseVolumeMetric``).
    """
    runner = build_runner(prepare_test_cfg(args), 'test')
    metrics = runner.test()
    if is_main_process():
        path = getattr(args, 'out_metrics', None) or osp.join(runner.log_dir, 'metrics.json')
        os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
        record = dict(config=args.config, checkpoint=args.checkpoint, metrics=metrics)
        with open(path, 'w') as f:
            json.dump(record, f, indent=2, default=float)
        headline = 'mDSC' if 'mDSC' in metrics else 'mIoU'  # per-volume Dice for Synapse
        print(f'{headline}: {metrics.get(headline)}')
        print(f'metrics written to {path}')
    return metrics
