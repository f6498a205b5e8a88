"""Stand-in for mmcv's compiled extension when only ``mmcv-lite`` is installed.

mmseg 1.2.2 imports ``mmcv.ops`` eagerly, and every ``mmcv.ops`` module asks
``mmcv._ext`` for its kernels at import time. With ``mmcv-lite`` there is no
``mmcv._ext``, so ``import mmseg.models`` fails although a UNet/FCN model never
calls a compiled op. :func:`install_missing_ops_stub` registers a module under
that name whose every kernel raises :class:`MissingCompiledOpError` when
called, naming the op and how to get full mmcv.

The stand-in is installed only when the real extension cannot be imported; a
full, compiled mmcv is used untouched. Its module spec has no loader, so
mmengine's ``pkgutil.find_loader('mmcv._ext')`` probe still reports that full
mmcv is absent.
"""

import importlib
import importlib.machinery
import sys
import types

__all__ = ['MissingCompiledOpError', 'install_missing_ops_stub', 'is_stub_active']

EXT_NAME = 'mmcv._ext'
MMCV_MISSING_MESSAGE = (
    'attn_unet needs mmcv 2.0 to 2.1 and none is installed: pip install "mmcv-lite==2.1.0" '
    '(or install this package with its [lite] extra), or build full mmcv as the README shows'
)

FULL_MMCV_HINT = (
    'install full mmcv instead of mmcv-lite: pip uninstall -y mmcv-lite && '
    'pip install "setuptools<70" && pip install --no-build-isolation "mmcv==2.1.0" '
    '(see docs/en/install.md, "Full mmcv")'
)


class MissingCompiledOpError(RuntimeError):
    """Raised when code calls an mmcv kernel that mmcv-lite does not ship."""


class _MissingOpsModule(types.ModuleType):
    """Module whose attributes are kernels that raise on call."""

    def __getattr__(self, name: str):
        if name.startswith('__') and name.endswith('__'):
            raise AttributeError(name)

        def missing_kernel(*args, **kwargs):
            raise MissingCompiledOpError(
                f"mmcv op '{name}' needs mmcv's compiled extension, which "
                f'mmcv-lite does not have; {FULL_MMCV_HINT}'
            )

        missing_kernel.__name__ = name
        return missing_kernel


def is_stub_active() -> bool:
    """Whether ``mmcv._ext`` is this module's stand-in rather than the real one."""
    return isinstance(sys.modules.get(EXT_NAME), _MissingOpsModule)


def install_missing_ops_stub() -> bool:
    """Make ``mmcv.ops`` importable without mmcv's compiled extension.

    Returns:
        True if the stand-in was installed (or already was), False if the real
        compiled extension is present and was left alone.

    Raises:
        ImportError: mmcv is not installed at all, or the compiled extension
            exists but fails to import.
    """
    if EXT_NAME in sys.modules:
        return is_stub_active()
    try:
        importlib.import_module(EXT_NAME)
        return False
    except ModuleNotFoundError as error:
        if error.name == 'mmcv':
            raise ImportError(MMCV_MISSING_MESSAGE, name='mmcv') from None
        if error.name != EXT_NAME:
            raise
    # Any other ImportError is a compiled mmcv that exists but is broken (built for
    # another torch, say): it propagates, since only its own message helps.
    stub = _MissingOpsModule(EXT_NAME, 'Stand-in for mmcv._ext (mmcv-lite).')
    stub.__spec__ = importlib.machinery.ModuleSpec(EXT_NAME, loader=None)
    sys.modules[EXT_NAME] = stub
    return True
