"""The optional packages of deployment (``pip install -e ".[deploy]"``), imported on demand."""

import importlib
from types import ModuleType

from attn_unet.errors import DependencyError

__all__ = ['DEPLOY_PACKAGES', 'require']

# Module names; their PyPI names are the same.
DEPLOY_PACKAGES = ('onnx', 'onnxruntime')


def require(name: str) -> ModuleType:
    """Import ``name`` (one of DEPLOY_PACKAGES), or say in one line how to install it.

    Raises:
        DependencyError: the package is not installed (or fails to import).
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise DependencyError(
            f'{name} is not installed ({exc}): pip install -e ".[deploy]" '
            f'(or pip install {" ".join(DEPLOY_PACKAGES)})'
        ) from None
