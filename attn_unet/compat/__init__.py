"""Compatibility shims applied on ``import attn_unet``."""

from .mmcv_ops import MissingCompiledOpError, install_missing_ops_stub, is_stub_active
from .safe_checkpoint import allow_mmengine_checkpoint_globals, history_buffer_getattr, safe_globals

__all__ = [
    'MissingCompiledOpError',
    'allow_mmengine_checkpoint_globals',
    'history_buffer_getattr',
    'install_missing_ops_stub',
    'is_stub_active',
    'safe_globals',
]
