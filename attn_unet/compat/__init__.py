"""Compatibility shims applied on ``import attn_unet``."""

from .config_scope import SCOPE, configs_root, install_config_scope, scoped_config_path
from .mmcv_ops import MissingCompiledOpError, install_missing_ops_stub, is_stub_active
from .safe_checkpoint import allow_mmengine_checkpoint_globals, history_buffer_getattr, safe_globals

__all__ = [
    'MissingCompiledOpError',
    'SCOPE',
    'allow_mmengine_checkpoint_globals',
    'configs_root',
    'history_buffer_getattr',
    'install_config_scope',
    'install_missing_ops_stub',
    'is_stub_active',
    'safe_globals',
    'scoped_config_path',
]
