"""A folder of outputs that appears complete or not at all.

``tools/test.py --out DIR`` writes one PNG per image as the test runs; killed half way it
would leave a partial set that looks like a result. A :class:`StagedFolder` is written
under a hidden sibling name (``.DIR.partial``) and renamed to ``DIR`` only when the test
has finished, so ``DIR`` never holds an incomplete set. An existing ``DIR`` that holds
files is never replaced.
"""

import os
import os.path as osp
import shutil

from attn_unet.errors import PathKindError

from .checkpoint import PARTIAL_SUFFIX
from .path_kinds import check_folder_path

__all__ = ['StagedFolder']


class StagedFolder:
    """An output folder written under a hidden name and renamed into place when complete.

    Args:
        path: the folder the user asked for.
        what: how the user gave it, for messages (e.g. ``'--out'``).
    """

    def __init__(self, path: str, what: str = '--out') -> None:
        self.path = osp.abspath(path)
        self.what = what
        folder, name = osp.split(self.path)
        self.partial = osp.join(folder, f'.{name}{PARTIAL_SUFFIX}')

    def check(self) -> None:
        """Refuse a path that is a file, or a folder that already holds files.

        Raises:
            PathKindError: naming the path and the fix.
        """
        check_folder_path(self.path, self.what)
        held = len(os.listdir(self.path)) if osp.isdir(self.path) else 0
        if held:
            raise PathKindError(
                f'{self.what} {self.path} already holds {held} '
                f'{"entry" if held == 1 else "entries"}: pass a new folder, or move that one '
                'away first (it is never replaced)'
            )

    def prepare(self) -> None:
        """Check, then remove what a killed earlier run left under the hidden name."""
        self.check()
        if osp.isdir(self.partial):
            shutil.rmtree(self.partial)

    def publish(self) -> None:
        """Rename the complete hidden folder to :attr:`path` (an empty one is replaced)."""
        self.check()
        os.makedirs(self.partial, exist_ok=True)
        if osp.isdir(self.path):
            os.rmdir(self.path)  # empty, or check() had refused
        os.replace(self.partial, self.path)

    def discard(self) -> None:
        """Remove the hidden folder of a run that did not finish."""
        shutil.rmtree(self.partial, ignore_errors=True)
