"""A package's names imported on first use (PEP 562), from one table of where each lives."""

import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]], list[str]]:
    """The ``__getattr__``, ``__dir__`` and ``__all__`` of a package that imports lazily.

    Args:
        package: the package's ``__name__``.
        exports: each public name -> the module defining it, relative to ``package``
            (``'.segmentor'``) or absolute.

    Returns:
        ``__getattr__`` (imports the name's module on first access and keeps the value in
        the package, so later accesses are plain lookups), ``__dir__`` and ``__all__``
        (the names, sorted).
    """
    names = sorted(exports)

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f'module {package!r} has no attribute {name!r}')
        value = getattr(importlib.import_module(exports[name], package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__, names
