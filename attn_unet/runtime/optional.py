"""Optional packages, imported only when something needs them, named in one line if missing."""

import importlib
from types import ModuleType

from attn_unet.errors import DependencyError

__all__ = ['PIP_NAMES', 'require']

PIP_NAMES = {
    'onnxruntime': 'onnxruntime',
    'cv2': 'opencv-python-headless',
    'PIL': 'pillow',
    'tifffile': 'tifffile',
}


def require(module: str, why: str | None = None, install: str | None = None) -> ModuleType:
    """Import ``module``, or say in one line what needs it and how to install it.

    Args:
        module: the module's import name (``cv2``); its pip name comes from ``PIP_NAMES``.
        why: what needs it, said first (``'--backend onnxruntime'``); None names the package.
        install: the fix to print; default ``pip install <its pip name>``.

    Raises:
        DependencyError: the package is missing (or fails to import).
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = PIP_NAMES.get(module, module)
        missing = f'{why} needs {package}, which is' if why else f'{package} is'
        raise DependencyError(
            f'{missing} not installed ({exc}): {install or f"pip install {package}"}'
        ) from None
