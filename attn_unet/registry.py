"""The registries attn_unet registers into: mmseg's and mmengine's own, so their configs and
tools see every registered class. Each module of the package registers through this one."""

from attn_unet.compat import install_missing_ops_stub

install_missing_ops_stub()

from mmengine.registry import FUNCTIONS, LOOPS, MODEL_WRAPPERS, OPTIM_WRAPPERS, RUNNERS  # noqa: E402
from mmseg.registry import DATASETS, HOOKS, METRICS, MODELS, TRANSFORMS  # noqa: E402

__all__ = [
    'DATASETS',
    'FUNCTIONS',
    'HOOKS',
    'LOOPS',
    'METRICS',
    'MODELS',
    'MODEL_WRAPPERS',
    'OPTIM_WRAPPERS',
    'RUNNERS',
    'TRANSFORMS',
]
