"""Without any mmcv, importing attn_unet says which mmcv to install."""

import subprocess
import sys

from tests.helpers.tiny_setup import REPO

HIDE_MMCV = """
import sys


class HideMMCV:
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split('.')[0] == 'mmcv':
            raise ModuleNotFoundError(f'No module named {fullname!r}', name='mmcv')


sys.meta_path.insert(0, HideMMCV())
import attn_unet
"""


def test_import_without_mmcv_names_the_fix():
    proc = subprocess.run(
        [sys.executable, '-c', HIDE_MMCV], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    last_line = proc.stderr.strip().splitlines()[-1]
    assert last_line.startswith('ImportError: attn_unet needs mmcv 2.0 to 2.1'), proc.stderr[-2000:]
    assert 'mmcv-lite==2.1.0' in last_line and '[lite]' in last_line
