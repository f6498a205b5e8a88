"""Build the runner a config names, as mmseg's tools do."""

import os.path as osp

from mmengine.config import Config
from mmengine.runner import Runner

__all__ = ['build_runner', 'set_work_dir']


def build_runner(cfg: Config) -> Runner:
    """Build the runner the config names; its ``train()``/``test()`` check the input first.

    The checks live in :meth:`AttnUNetRunner.preflight`, where mmseg's own tools reach
    them too.
    """
    if 'runner_type' not in cfg:
        return Runner.from_cfg(cfg)
    from mmseg.registry import RUNNERS

    return RUNNERS.build(cfg)


def set_work_dir(cfg: Config, config_path: str, work_dir: str | None) -> None:
    """``--work-dir``, else the config's ``work_dir``, else ``./work_dirs/<config stem>``."""
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])
