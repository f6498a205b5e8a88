"""Attention U-Net for mmsegmentation 1.2.2.

Importing this package (configs do it through ``custom_imports``) makes
mmseg importable with mmcv-lite, lets torch's safe loader read mmengine
checkpoints, lets configs name this package's bases as ``attn_unet::_base_/...``
(:mod:`attn_unet.compat.config_scope`), and registers what configs name: the
AttentionUNet backbone and its gates, heads and losses, the datasets, transforms
and metrics, the runner, its hooks, test loop and mixed-precision wrapper, the
attention-map hook. What only tools need (``attn_unet.apis``, ``attn_unet.analysis``,
the converters) is imported by the tools.

Where torch is not installed at all (a deployment environment: numpy, nibabel, onnxruntime),
there is nothing to register and nothing is: the torch-free rooms (:mod:`attn_unet.volumes`,
:mod:`attn_unet.slicing`, :mod:`attn_unet.runtime`, ``tools/predict.py --backend
onnxruntime``) import as usual. Where torch is installed, every import happens and any
failure of mmseg or mmcv shows, as before.
"""

from importlib.util import find_spec

from .version import __version__

__all__ = ['__version__']

if find_spec('torch') is not None:
    from .compat import (
        allow_mmengine_checkpoint_globals,
        install_config_scope,
        install_missing_ops_stub,
    )

    install_missing_ops_stub()
    allow_mmengine_checkpoint_globals()
    install_config_scope()

    from . import datasets, engine, evaluation, visualization  # noqa: F401
    from .models import AttentionGate, AttentionUNet

    __all__ = ['AttentionGate', 'AttentionUNet', '__version__']
