"""The README's two commands: ``make demo`` and ``make test`` set up once, then run."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.tools import REPO

INSTALL = 'pip install torch==2.13.0 -e ".[lite,tests]"'

pytestmark = pytest.mark.skipif(shutil.which('make') is None, reason='make is not installed')


def _dry_run(target: str, venv: Path) -> str:
    """What ``make -n target`` would run with ``venv`` active."""
    env = {**os.environ, 'VIRTUAL_ENV': str(venv)}
    proc = subprocess.run(
        ['make', '-n', '-C', str(REPO), target], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def venv(tmp_path) -> Path:
    """A stand-in active virtual environment: bin/python exists, nothing installed yet."""
    (tmp_path / 'bin').mkdir()
    (tmp_path / 'bin' / 'python').symlink_to(sys.executable)
    return tmp_path


@pytest.mark.parametrize(
    'target, command',
    [
        ('test', 'python -m pytest -q'),
        ('demo', 'bash demo/mini_cityscapes_demo.sh'),
        ('synapse-demo', 'bash demo/synapse_demo.sh'),
        ('drive-demo', 'bash demo/drive_demo.sh'),
        ('msd-demo', 'bash demo/msd_demo.sh'),
    ],
)
def test_installs_once_then_runs(venv, target, command):
    first = _dry_run(target, venv)
    assert INSTALL in first and command in first
    assert first.index(INSTALL) < first.index(command)
    stamp = venv / '.attn-unet-installed'
    stamp.touch()
    future = time.time() + 60
    os.utime(stamp, (future, future))
    again = _dry_run(target, venv)
    assert INSTALL not in again and command in again


def test_install_reruns_when_requirements_change(venv):
    stamp = venv / '.attn-unet-installed'
    stamp.touch()
    past = time.time() - 3600 * 24 * 365 * 50
    os.utime(stamp, (past, past))
    assert INSTALL in _dry_run('test', venv)


def test_readme_install_and_quick_start_are_the_make_targets():
    readme = (REPO / 'README.md').read_text()
    start = readme.split('## Quick start', 1)[1].split('\n## ', 1)[0]
    block = re.search(r'```bash\n(.*?)```', start, re.S).group(1)
    commands = [line.split('#')[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ['make demo', 'make test']
    install = readme.split('## Install', 1)[1].split('\n## ', 1)[0]
    assert INSTALL in install


def test_ci_runs_make_test():
    lines = (REPO / '.ci' / 'run').read_text().splitlines()
    assert 'set -euo pipefail' in lines and lines[-1] == 'make test'


def test_make_test_runs_the_kernel_comparisons_again_without_avx512(venv):
    (venv / '.attn-unet-installed').touch()
    lines = _dry_run('test', venv).splitlines()
    suite = next(i for i, line in enumerate(lines) if line.endswith('python -m pytest -q'))
    (again,) = [line for line in lines if "-m 'kernels and not slow'" in line]
    assert lines.index(again) > suite  # after the whole suite, in the same command
    for setting in ('ONEDNN_MAX_CPU_ISA=AVX2', 'MKL_ENABLE_INSTRUCTIONS=AVX2',
                    'ATEN_CPU_CAPABILITY=avx2', 'ATTN_UNET_TEST_ORT_THREADS=2'):  # fmt: skip
        assert setting in again, setting
