"""Packages the torch-free runtime imports only when a model needs them, named in one line."""

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


def require(module: str, why: str) -> ModuleType:
    """Import ``module``, or say in one line what needs it and how to install it.

    Raises:
        DependencyError: the package is missing (or fails to import).
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise DependencyError(
            f'{why} needs {PIP_NAMES.get(module, module)}, which is not installed ({exc}): '
            f'pip install {PIP_NAMES.get(module, module)}'
        ) from None
