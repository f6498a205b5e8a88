"""onnx and onnxruntime are optional: imported only by what uses them."""

import json
import subprocess
import sys

import pytest

from attn_unet.deployment import DEPLOY_PACKAGES, require
from attn_unet.errors import DependencyError
from tests.helpers.tools import REPO


def test_the_tools_import_neither_package_until_they_export_or_run():
    probe = (
        'import json, sys, attn_unet.apis, attn_unet.deployment\n'
        f'print(json.dumps([name in sys.modules for name in {list(DEPLOY_PACKAGES)!r}]))'
    )
    out = subprocess.run(
        [sys.executable, '-c', probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.splitlines()[-1]) == [False, False]


@pytest.mark.parametrize('name', DEPLOY_PACKAGES)
def test_a_missing_package_is_named_with_the_install_command(monkeypatch, name):
    assert require(name).__name__ == name
    monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(
        DependencyError, match=rf'^{name} is not installed .*pip install -e "\.\[deploy\]"'
    ):
        require(name)


@pytest.mark.parametrize(
    'module, package', [('cv2', 'opencv-python-headless'), ('onnxruntime', 'onnxruntime')]
)
def test_the_runtime_names_what_needs_a_missing_package_and_its_pip_name(
    monkeypatch, module, package
):
    from attn_unet.runtime.optional import require as require_package

    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(
        DependencyError,
        match=rf'^--backend onnxruntime needs {package}, which is not installed \(.*\): '
        rf'pip install {package}$',
    ):
        require_package(module, '--backend onnxruntime')
