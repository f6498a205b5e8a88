"""``import attn_unet`` (every config runs it) registers what configs name and nothing more."""

import json
import os
import subprocess
import sys

import pytest

from tests.helpers.tools import REPO

# Modules a training run never needs: plotting, the converters' readers (Cityscapes
# scripts, NIfTI), analysis code and the synthetic data generators load only when a
# tool asks for them.
NOT_ON_IMPORT = (
    'matplotlib',
    'cityscapesscripts',
    'nibabel',
    'attn_unet.analysis',
    'attn_unet.datasets.cityscapes_convert',
    'demo.synthetic',
)
# What configs name: the models, the runner and its AMP wrapper, the hook.
REGISTERED = (
    ('MODELS', 'AttentionUNet'),
    ('MODELS', 'AttentionGate'),
    ('RUNNERS', 'AttnUNetRunner'),
    ('OPTIM_WRAPPERS', 'AutoAmpOptimWrapper'),
    ('HOOKS', 'AttentionVisualizationHook'),
)


@pytest.fixture(scope='module')
def fresh_import() -> dict:
    """``sys.modules`` names and registry lookups after ``import attn_unet`` in a new process."""
    probe = (
        'import json, sys, attn_unet\n'
        'modules = sorted(sys.modules)\n'
        'import mmseg.registry as r\n'  # a registry lookup imports mmseg's own modules
        f'registered = [getattr(r, reg).get(name) is not None for reg, name in {REGISTERED!r}]\n'
        'print(json.dumps(dict(modules=modules, registered=registered)))\n'
    )
    env = {**os.environ, 'PYTHONPATH': str(REPO)}
    proc = subprocess.run(
        [sys.executable, '-c', probe], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize('module', NOT_ON_IMPORT)
def test_import_leaves_out(fresh_import, module):
    loaded = [m for m in fresh_import['modules'] if m == module or m.startswith(module + '.')]
    assert loaded == []


@pytest.mark.parametrize('index, entry', list(enumerate(REGISTERED)))
def test_import_registers(fresh_import, index, entry):
    assert fresh_import['registered'][index], f'{entry} not registered by import attn_unet'
