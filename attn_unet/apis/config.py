"""Read a config file the way every tool of the project does: one loader, one set of checks.

:func:`load_config` refuses a missing file, a file that does not parse (a syntax
error, a ``_base_`` that does not exist, a ``custom_imports`` module that cannot be
imported) and ``--cfg-options`` that nothing reads or whose values are of the wrong
kind, each in one line; then it merges the options and reconciles the pipeline copies
they left apart (``test_pipeline`` and ``test_dataloader.dataset.pipeline``, see
:mod:`attn_unet.datasets.config_pipelines`), so the config a run uses and dumps is one.
"""

import copy
import os.path as osp

from mmengine.config import Config

from attn_unet.datasets.config_pipelines import reconcile_pipelines
from attn_unet.errors import ToolError

from .config_options import check_cfg_option_keys, check_cfg_option_types

__all__ = ['load_config']

EXAMPLE_CONFIG = 'configs/attn_unet/attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py'


def load_config(path: str, options: dict | None = None, launcher: str = 'none') -> Config:
    """Load a config, check ``--cfg-options`` keys and kinds, then merge them.

    Args:
        path: the config file.
        options: ``--cfg-options`` as :class:`~attn_unet.apis.DictAction` parsed them.
        launcher: stored as ``cfg.launcher`` (mmengine's Runner reads it).

    Raises:
        ToolError: one line naming the file and what is wrong with it, or the
            overrides that leave two copies of a pipeline apart.
    """
    if osp.isdir(path):
        raise ToolError(f'config {path} is a folder: pass a config file, e.g. {EXAMPLE_CONFIG}')
    if not osp.isfile(path):
        raise ToolError(f'config {path} does not exist: pass a config file, e.g. {EXAMPLE_CONFIG}')
    try:
        cfg = Config.fromfile(path)
    except Exception as exc:
        raise ToolError(f'cannot read config {path}: {_first_line(exc)}') from exc
    cfg.launcher = launcher
    if options:
        check_cfg_option_keys(cfg, options)
        check_cfg_option_types(cfg, options)
        written = copy.deepcopy(cfg)
        cfg.merge_from_dict(options)
        reconcile_pipelines(cfg, written)
    return cfg


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError) and exc.lineno:
        return f'syntax error at line {exc.lineno} ({exc.msg}); fix the file'
    missing_module = _cause(exc, ModuleNotFoundError)
    if missing_module is not None and missing_module.name:
        return (
            f'custom_imports names module {missing_module.name!r}, which cannot be imported; '
            'install it, fix the name, or drop it from custom_imports'
        )
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f'its _base_ file {osp.normpath(exc.filename)} does not exist; fix the _base_ path'
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _cause(exc: BaseException | None, kind: type) -> BaseException | None:
    """``exc`` or the first exception of ``kind`` it was raised from."""
    while exc is not None and not isinstance(exc, kind):
        exc = exc.__cause__ or exc.__context__
    return exc
