"""The output folder and file names of a prediction run, checked before the first prediction."""

import os
import os.path as osp
import tempfile
from typing import List

from attn_unet.errors import ToolError

__all__ = ['check_targets', 'prepare_out_dir']


def prepare_out_dir(out_dir: str) -> None:
    """Create ``out_dir`` and make sure a file can be written into it.

    Raises:
        ToolError: it is a file, or cannot be created or written.
    """
    if osp.exists(out_dir) and not osp.isdir(out_dir):
        raise ToolError(f'--out-dir {out_dir} is a file: pass a folder for the predictions')
    try:
        os.makedirs(out_dir, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix='.write-test-'):
            pass
    except OSError as exc:
        raise ToolError(
            f'cannot write into --out-dir {out_dir} ({exc.strerror or exc}): pass a writable folder'
        ) from exc


def check_targets(targets: List[str], overwrite: bool) -> None:
    """Refuse two inputs written to one file, and an existing file without ``overwrite``.

    Raises:
        ToolError: naming the file and the fix.
    """
    seen = set()
    for target in targets:
        if target in seen:
            raise ToolError(
                f'two inputs would both be written to {target}: give the scans different names '
                'or segment them into different --out-dir folders'
            )
        seen.add(target)
        if osp.exists(target) and not overwrite:
            raise ToolError(
                f'{target} exists: pass --overwrite to replace it, or another --out-dir'
            )
