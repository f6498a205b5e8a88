"""What ``tools/test.py`` does, with mmseg 1.2.2's meaning, plus a metrics JSON.

Output paths are checked before anything runs (a file where a folder is due, or the
reverse); ``--out`` appears only complete (written under a hidden name, renamed at the
end) and never replaces a folder that holds files; the metrics JSON is written atomically.
"""

import json
import os
import os.path as osp

from mmengine.config import Config
from mmengine.dist import is_main_process

from attn_unet.errors import ToolError
from attn_unet.fileio import (
    StagedNewFolder,
    check_file_path,
    check_folder_path,
    write_text_atomically,
)

from .config import load_config
from .runner import build_runner, set_work_dir
from .test_tta import apply_test_tta

__all__ = ['prepare_test_cfg', 'run_test']

ATTENTION_HOOK = 'AttentionVisualizationHook'


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


def _check_output_paths(cfg: Config, args) -> None:
    if args.out is not None:
        StagedNewFolder(args.out, '--out').check()
    if getattr(args, 'out_metrics', None):
        check_file_path(args.out_metrics, '--out-metrics', 'metrics.json')
    if args.show_dir:
        check_folder_path(osp.join(cfg.work_dir, args.show_dir), '--show-dir')


def prepare_test_cfg(args) -> Config:
    """Config for ``tools/test.py`` from its parsed arguments.

    Raises:
        PathKindError: ``--work-dir``, ``--out``, ``--out-metrics`` or ``--show-dir``
            of the wrong kind, or an ``--out`` folder that already holds files.
    """
    cfg = load_config(args.config, args.cfg_options, args.launcher)
    set_work_dir(cfg, args.config, args.work_dir)
    check_folder_path(cfg.work_dir, 'work dir')
    _check_output_paths(cfg, args)
    cfg.load_from = args.checkpoint
    cfg.resume = False
    if args.show or args.show_dir:
        _enable_visualization(cfg, args)
    apply_test_tta(cfg, args)
    if getattr(args, 'fast', False):
        loop = {k: v for k, v in (cfg.get('test_cfg') or {}).items() if k not in ('type', 'fp16')}
        cfg.test_cfg = dict(loop, type='FastTestLoop')
        cfg.model_memory_format = 'channels_last'
    if args.out is not None:
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
    return cfg


def run_test(args) -> dict:
    """``tools/test.py``: evaluate a checkpoint, write the metrics as JSON.

    The JSON goes to ``args.out_metrics`` or ``<work_dir>/<timestamp>/metrics.json``;
    with ``--out``, the prediction PNGs appear in that folder only once all are written.

    Returns:
        The metrics dict the test loop returns (``aAcc``, ``mIoU``, ``mAcc``; with the
        volume metrics ``<rule>/mDSC``, ``<rule>/mHD95_<unit>`` and per-class scores).
    """
    runner = build_runner(prepare_test_cfg(args), mode='test')
    if args.out is not None and hasattr(runner, 'stage_test_output'):
        runner.stage_test_output(args.out)
    metrics = runner.test()
    if is_main_process():
        path = getattr(args, 'out_metrics', None) or osp.join(runner.log_dir, 'metrics.json')
        os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
        record = dict(config=args.config, checkpoint=args.checkpoint, metrics=metrics)
        write_text_atomically(path, json.dumps(record, indent=2, default=float))
        # per-volume Dice (transunet/mDSC, nnunet/mDSC) where a volume metric ran, else mIoU
        dsc = [key for key in metrics if key.split('/')[-1] == 'mDSC']
        headline = dsc[0] if dsc else 'mIoU'
        print(f'{headline}: {metrics.get(headline)}')
        print(f'metrics written to {path}')
    return metrics
