"""The optional packages of deployment (``pip install -e ".[deploy]"``), imported on demand."""

from types import ModuleType

from attn_unet.runtime.optional import require as require_package

__all__ = ['DEPLOY_PACKAGES', 'require']

# Module names; their PyPI names are the same.
DEPLOY_PACKAGES = ('onnx', 'onnxruntime')
DEPLOY_INSTALL = f'pip install -e ".[deploy]" (or pip install {" ".join(DEPLOY_PACKAGES)})'


def require(name: str) -> ModuleType:
    """Import ``name`` (one of DEPLOY_PACKAGES), or say in one line how to install the extra.

    Raises:
        DependencyError: the package is not installed (or fails to import).
    """
    return require_package(name, install=DEPLOY_INSTALL)
