"""Build the runner a config names, as mmseg's tools do."""

import os.path as osp

from mmengine.config import Config
from mmengine.runner import Runner

from attn_unet.engine import AttnUNetRunner
from attn_unet.registry import RUNNERS

__all__ = ['build_runner', 'set_work_dir']


def build_runner(cfg: Config, mode: str = 'train') -> Runner:
    """Build the runner the config names; its ``train()``/``test()`` check the input first.

    The checks live in :class:`~attn_unet.engine.AttnUNetRunner` (``from_cfg`` and
    ``preflight``), where mmseg's own ``tools/train.py`` reaches them too (it calls
    ``RUNNERS.build``); mmseg's ``tools/test.py`` builds mmengine's plain Runner instead.

    Args:
        cfg: the full config.
        mode: what the runner is for: ``'train'`` takes the work dir before the runner
            is built; ``'val'`` / ``'test'`` do not.
    """
    if 'runner_type' not in cfg:
        return Runner.from_cfg(cfg)
    runner_type = cfg.runner_type
    runner_cls = RUNNERS.get(runner_type) if isinstance(runner_type, str) else runner_type
    if isinstance(runner_cls, type) and issubclass(runner_cls, AttnUNetRunner):
        return runner_cls.from_cfg(cfg, mode=mode)
    return RUNNERS.build(cfg)


def set_work_dir(cfg: Config, config_path: str, work_dir: str | None) -> None:
    """``--work-dir``, else the config's ``work_dir``, else ``./work_dirs/<config stem>``."""
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])
