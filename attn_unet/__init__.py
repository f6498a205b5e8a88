"""Attention U-Net for mmsegmentation 1.2.2.

Importing this package (configs do it through ``custom_imports``) makes
mmseg importable with mmcv-lite, lets torch's safe loader read mmengine
checkpoints, lets configs name this package's bases as ``attn_unet::_base_/...``
(:mod:`attn_unet.compat.config_scope`), and registers what configs name: the
AttentionUNet backbone and its gates, heads and losses, the datasets, transforms
and metrics, the runner, its hooks, test loop and mixed-precision wrapper, the
attention-map hook. What only tools need (``attn_unet.apis``, ``attn_unet.analysis``,
the converters) is imported by the tools.
"""

from .compat import (
    allow_mmengine_checkpoint_globals,
    install_config_scope,
    install_missing_ops_stub,
)

install_missing_ops_stub()
allow_mmengine_checkpoint_globals()
install_config_scope()

from . import datasets, engine, evaluation, visualization  # noqa: E402, F401
from .models import AttentionGate, AttentionUNet  # noqa: E402
from .version import __version__  # noqa: E402

__all__ = ['AttentionGate', 'AttentionUNet', '__version__']
