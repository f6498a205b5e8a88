"""mmseg's own converter scripts, as shipped in the wheel: the reference our converters match.

The project's converters write their output themselves; the tests hold them to mmseg's scripts
run unchanged (:func:`run_mmseg_converter`, a subprocess, as a user would run them) and to
their label mapping (:func:`load_mmseg_converter`). This is the one place that loads them.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

MMSEG_CONVERTERS = (
    Path(importlib.util.find_spec('mmseg').origin).parent / '.mim' / 'tools' / 'dataset_converters'
)


def run_mmseg_converter(name: str, *args, cwd: Path) -> subprocess.CompletedProcess:
    """Run mmseg's ``.mim/tools/dataset_converters/<name>.py ARGS`` in ``cwd``; it must pass."""
    script = MMSEG_CONVERTERS / f'{name}.py'
    assert script.is_file(), f'mmseg ships no {script}'
    result = subprocess.run(
        [sys.executable, str(script), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def load_mmseg_converter(name: str) -> ModuleType:
    """mmseg's ``<name>.py`` converter as a module (its functions, not run)."""
    script = MMSEG_CONVERTERS / f'{name}.py'
    spec = importlib.util.spec_from_file_location(f'mmseg_{name}_converter', script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
