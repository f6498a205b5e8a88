"""attn_unet registers into mmseg's registries, so mmseg configs and tools see it."""

from attn_unet.compat import install_missing_ops_stub

install_missing_ops_stub()

from mmseg.registry import DATASETS, HOOKS, METRICS, MODELS, TRANSFORMS  # noqa: E402

__all__ = ['DATASETS', 'HOOKS', 'METRICS', 'MODELS', 'TRANSFORMS']
