"""A new output folder that appears complete or not at all, and never replaces one with files.

A tool that writes a folder of outputs as it runs (``tools/test.py --out DIR``: one PNG per
image), killed half way, would leave a partial set that looks like a result.
:class:`StagedNewFolder` has it written into a hidden ``.DIR.partial``
(:class:`~.staged_folder.StagedFolder`) and renamed to ``DIR`` only when the tool has finished.
The policy: an existing ``DIR`` that holds files is never replaced (an empty one is used).
"""

import os
import os.path as osp

from attn_unet.errors import PathKindError

from .path_kinds import check_folder_path
from .staged_folder import StagedFolder

__all__ = ['StagedNewFolder']


class StagedNewFolder:
    """An output folder, written under a hidden name and renamed into place when complete.

    Args:
        path: the folder the user asked for.
        what: how the user gave it, for messages (e.g. ``'--out'``).
    """

    def __init__(self, path: str, what: str = '--out') -> None:
        self.path = osp.abspath(path)
        self.what = what
        self._staged = StagedFolder(self.path)
        self.partial = self._staged.partial

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
        """Check, then create the hidden folder empty (clearing what a killed run left)."""
        self.check()
        self._staged.prepare()

    def publish(self) -> None:
        """Rename the complete hidden folder to :attr:`path` (an empty one is replaced)."""
        self.check()
        self._staged.swap_in()

    def discard(self) -> None:
        """Remove the hidden folder of a run that did not finish."""
        self._staged.discard()
