"""Every scan comes in through ``attn_unet.volumes``: nothing else in the package calls
``nibabel.load`` or ``pydicom.dcmread``, so training and prediction cannot read a file
differently. The calls are found in the syntax tree, whatever name the module is imported as
(any ``.dcmread(`` counts, so pydicom handed over by a function is caught too)."""

import ast

from tests.helpers.tools import REPO

READERS = {'nibabel': {'load'}, 'pydicom': {'dcmread'}}


def _reader_calls(path) -> list:
    """``'module.function'`` of every call of a reader in ``path`` (aliases followed)."""
    tree = ast.parse(path.read_text())
    modules, functions = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split('.')[0]
                if root in READERS:
                    modules[alias.asname or root] = root
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split('.')[0]
            for alias in node.names:
                if root in READERS and alias.name in READERS[root]:
                    functions[alias.asname or alias.name] = f'{root}.{alias.name}'
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in functions:
            calls.append(functions[func.id])
        elif isinstance(func, ast.Attribute) and func.attr == 'dcmread':
            calls.append('pydicom.dcmread')  # whatever holds pydicom (an import_pydicom())
        elif isinstance(func, ast.Attribute) and func.attr == 'load':
            base = func.value
            while isinstance(base, ast.Attribute):  # nibabel.loadsave.load
                base = base.value
            root = modules.get(base.id) if isinstance(base, ast.Name) else None
            if root and func.attr in READERS[root]:
                calls.append(f'{root}.{func.attr}')
    return calls


def _calls_by_file() -> dict:
    files = sorted((REPO / 'attn_unet').rglob('*.py'))
    return {str(p.relative_to(REPO)): calls for p in files if (calls := _reader_calls(p))}


def test_only_the_volumes_room_reads_nifti_and_dicom_files():
    outside = {f: c for f, c in _calls_by_file().items() if not f.startswith('attn_unet/volumes/')}
    assert outside == {}


def test_the_check_finds_the_readers_where_they_are():
    calls = _calls_by_file()
    assert 'nibabel.load' in calls['attn_unet/volumes/nifti.py']
    assert 'pydicom.dcmread' in calls['attn_unet/volumes/dicom/files.py']
    assert 'pydicom.dcmread' in calls['attn_unet/volumes/dicom/series.py']
