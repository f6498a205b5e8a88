"""A wheel works as mmseg's does: configs, tools and model-index.yml ship inside the package.

The wheel is built from a copy of the sources (as a fresh clone would hold them) and used
from a folder outside the checkout: its own ``tools/`` convert a Decathlon set whose configs
name their bases ``attn_unet::_base_/...``, found in the installed package. The default run
installs the wheel beside this environment's dependencies; the slow test installs it with
its dependencies into a fresh virtual environment and trains, tests and predicts.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers.tools import REPO, TOOL_TIMEOUT

# What a fresh clone holds that setup.py reads or ships.
SOURCES = ('setup.py', 'pyproject.toml', 'MANIFEST.in', 'README.md', 'model-index.yml',
           'requirements', 'attn_unet', 'configs', 'tools')  # fmt: skip
MIM = 'attn_unet/.mim'


def _run(*args, cwd, env=None, timeout=TOOL_TIMEOUT) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)  # fmt: skip
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return result


@pytest.fixture(scope='module')
def wheel(tmp_path_factory) -> Path:
    """The wheel ``pip wheel --no-deps`` builds from a copy of the sources."""
    root = tmp_path_factory.mktemp('wheel')
    junk = shutil.ignore_patterns('__pycache__', '*.pyc', '*.egg-info', '.mim')
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / 'src' / name, ignore=junk)
        else:
            (root / 'src').mkdir(exist_ok=True)
            shutil.copy(source, root / 'src' / name)
    _run(sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q',
         root / 'src', '-w', root / 'dist', cwd=root)  # fmt: skip
    (built,) = (root / 'dist').glob('attn_unet-*.whl')
    return built


def _tracked(folder: str) -> set:
    """The files of ``folder`` in this checkout, relative to the repository."""
    return {
        str(p.relative_to(REPO))
        for p in (REPO / folder).rglob('*')
        if p.is_file() and '__pycache__' not in p.parts and p.suffix != '.pyc'
    }


def test_the_wheel_carries_configs_tools_and_the_model_index(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n[len(MIM) + 1 :] for n in names if n.startswith(MIM + '/')}
    assert _tracked('configs') <= shipped and _tracked('tools') <= shipped
    assert 'model-index.yml' in shipped and 'configs/_base_/default_runtime.py' in shipped
    assert not any('__pycache__' in n or n.endswith('.pyc') for n in names)
    assert 'attn_unet/compat/config_scope.py' in names


def _packaged_env(site: Path) -> dict:
    """This environment's dependencies, but attn_unet from ``site`` and nothing of the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'ATTN_UNET_DEBUG')}
    return {**env, 'PYTHONPATH': str(site), 'OMP_NUM_THREADS': '1'}


def test_the_installed_wheel_converts_with_its_own_tools_and_configs(
    wheel, decathlon_raw, tmp_path
):
    site, outside = tmp_path / 'site', tmp_path / 'elsewhere'
    outside.mkdir()
    _run(sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', '--target', site, wheel,
         cwd=outside)  # fmt: skip
    env = _packaged_env(site)
    where = _run(sys.executable, '-c', 'import attn_unet; print(attn_unet.__file__)',
                 cwd=outside, env=env).stdout  # fmt: skip
    assert where.strip() == str(site / 'attn_unet' / '__init__.py')
    tools = site / MIM / 'tools'
    _run(sys.executable, tools / 'dataset_converters' / 'decathlon.py', decathlon_raw,
         '--save-path', 'converted', '--preset', 'cpu', '--num-folds', '2', '--no-progress',
         cwd=outside, env=env)  # fmt: skip
    (config,) = (outside / 'converted' / 'configs').glob('attn-unet-*.py')
    text = config.read_text()
    assert "'attn_unet::_base_/datasets/volume_slices.py'" in text and str(REPO) not in text
    checked = _run(sys.executable, tools / 'misc' / 'check_dataset.py', config, cwd=outside,
                   env=env)  # fmt: skip
    assert 'error' not in checked.stderr.lower()


@pytest.mark.slow
def test_a_fresh_venv_converts_trains_tests_and_predicts_from_the_wheel(
    wheel, decathlon_raw, tmp_path
):
    """pip install the wheel with [lite] into a new venv (pip finds torch and the rest where
    ``make install`` does), then the packaged tools end to end, outside the checkout."""
    venv, outside = tmp_path / 'venv', tmp_path / 'elsewhere'
    outside.mkdir()
    _run(sys.executable, '-m', 'venv', venv, cwd=outside)
    python = venv / 'bin' / 'python'
    _run(python, '-m', 'pip', 'install', '-q', 'torch==2.13.0', f'{wheel}[lite]', cwd=outside,
         timeout=900)  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'ATTN_UNET_DEBUG')}
    env = {**env, 'OMP_NUM_THREADS': '1'}
    where = _run(python, '-c', 'import attn_unet; print(attn_unet.__file__)', cwd=outside,
                 env=env).stdout  # fmt: skip
    tools = Path(where.strip()).parent / '.mim' / 'tools'
    assert str(venv) in str(tools)
    _run(python, tools / 'dataset_converters' / 'decathlon.py', decathlon_raw, '--save-path',
         'converted', '--preset', 'cpu', '--num-folds', '2', '--no-progress', cwd=outside,
         env=env)  # fmt: skip
    (config,) = (outside / 'converted' / 'configs').glob('attn-unet-*.py')
    _run(python, tools / 'train.py', config, '--work-dir', 'work', '--cfg-options',
         'train_cfg.max_iters=2', 'train_cfg.val_begin=3', 'default_hooks.checkpoint.interval=2',
         'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
         'train_dataloader.persistent_workers=False',
         'train_dataloader.dataset.pipeline.2.crop_size=(64,64)',
         'model.data_preprocessor.size=(64,64)', cwd=outside, env=env)  # fmt: skip
    checkpoint = outside / 'work' / 'iter_2.pth'
    _run(python, tools / 'test.py', config, checkpoint, '--work-dir', 'work', '--out-metrics',
         'metrics.json', '--cfg-options', 'test_dataloader.num_workers=0',
         'test_dataloader.persistent_workers=False', cwd=outside, env=env)  # fmt: skip
    assert '"nnunet/mDSC"' in (outside / 'metrics.json').read_text()
    dumped = outside / 'work' / config.name  # the config the run dumped, as predict reads it
    _run(python, tools / 'predict.py', dumped, checkpoint, decathlon_raw / 'imagesTs',
         '--out-dir', 'predictions', '--no-progress', cwd=outside, env=env)  # fmt: skip
    assert sorted(p.suffix for p in (outside / 'predictions').iterdir()) == ['.gz', '.json']
