"""Every name and path a docstring points at exists: ``attn_unet.x.y`` dotted names, Sphinx
cross-references relative to their module (``:func:`~.volumes.open_case```), and the
``tools/...`` and ``benchmarks/...`` files named, in the package, its tools and benchmarks."""

import ast
import importlib
import re

import pytest

from tests.helpers.tools import REPO

DOTTED = re.compile(r'(?<![\w./])attn_unet(?:\.[A-Za-z_]\w*)+')
RELATIVE = re.compile(r':[a-z]+:`~?(\.+[A-Za-z_][\w.]*)`')
PATH = re.compile(r'(?<![\w./-])(?:tools|benchmarks)/[\w./-]*\w')
FOLDERS = ('attn_unet', 'tools', 'benchmarks')


def _sources():
    return sorted(p for folder in FOLDERS for p in (REPO / folder).rglob('*.py'))


def _module_name(path) -> str:
    parts = list(path.relative_to(REPO).with_suffix('').parts)
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def _docstrings(path) -> list:
    tree = ast.parse(path.read_text())
    nodes = [tree] + [
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    ]
    return [doc for doc in (ast.get_docstring(n, clean=False) for n in nodes) if doc]


def _resolves(dotted: str) -> bool:
    """Whether ``dotted`` is a module, or an attribute (a dataclass field counts) of one."""
    parts = dotted.split('.')
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            fields = {
                **getattr(obj, '__dataclass_fields__', {}),
                **getattr(obj, '__annotations__', {}),
            }
            if name in fields and not hasattr(obj, name):
                return True
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


def _relative_candidates(module: str, is_package: bool, reference: str) -> list:
    """Where Sphinx would look for ``.x.y`` (or ``..x``) written in ``module``."""
    dots = len(reference) - len(reference.lstrip('.'))
    rest = reference.lstrip('.')
    package = module if is_package else module.rpartition('.')[0]
    for _ in range(dots - 1):
        package = package.rpartition('.')[0]
    return [f'{package}.{rest}', f'{module}.{rest}']


def _references():
    """``(file, reference, candidates)`` for every dotted name and path in a docstring."""
    found = []
    for path in _sources():
        module, is_package = _module_name(path), path.name == '__init__.py'
        for doc in _docstrings(path):
            for name in DOTTED.findall(doc):
                found.append((path, name, [name]))
            for reference in RELATIVE.findall(doc):
                found.append((path, reference, _relative_candidates(module, is_package, reference)))
            for target in PATH.findall(doc):
                found.append((path, target, None))
    return found


def test_the_check_sees_what_it_checks():
    names = {name for _, name, _ in _references()}
    assert 'attn_unet.fileio.atomic_write' in names or len(names) > 50
    assert not _resolves('attn_unet.engine.run_cli')  # a name that does not exist fails


@pytest.mark.parametrize('folder', FOLDERS)
def test_every_docstring_reference_exists(folder):
    missing = []
    for path, reference, candidates in _references():
        if path.relative_to(REPO).parts[0] != folder:
            continue
        if candidates is None:
            ok = (REPO / reference).exists()
        else:
            ok = any(_resolves(c) for c in candidates)
        if not ok:
            missing.append(f'{path.relative_to(REPO)}: {reference}')
    assert missing == []
