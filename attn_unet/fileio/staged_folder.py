"""A folder written under a hidden sibling name and swapped in whole when it is complete.

What the folder's final path may replace is the caller's policy: ``tools/test.py
--out`` never replaces a folder that holds files
(:class:`~attn_unet.engine.staged_test_output.StagedTestOutput`); a converter
replaces only a set it recorded itself
(:class:`~attn_unet.datasets.staged_output.StagedOutput`).
"""

import os
import os.path as osp
import shutil
import tempfile

from .partial_name import partial_name

__all__ = ['StagedFolder']


class StagedFolder:
    """A hidden sibling of ``path`` to write into, renamed to ``path`` by :meth:`swap_in`.

    Args:
        path: the folder's final place.
        unique: stage in a folder of this object only (``.NAME.partial-XXXXXXXX``,
            made by :meth:`prepare`), so that runs into the same ``path`` at
            once do not share one; by default ``.NAME.partial``, which the
            next run clears, so a killed run leaves nothing behind for long.
    """

    def __init__(self, path: str, unique: bool = False) -> None:
        self.path = path
        self.unique = unique
        self.partial: str | None = None if unique else partial_name(path, keep_suffix=False)

    def prepare(self) -> str:
        """Create the hidden folder, empty (what a killed earlier run left there is removed).

        Returns:
            Its path, :attr:`partial`.

        Raises:
            OSError: the folder beside ``path`` cannot be created.
        """
        parent = osp.dirname(self.path) or '.'
        os.makedirs(parent, exist_ok=True)
        if self.unique:
            prefix = osp.basename(partial_name(self.path, keep_suffix=False)) + '-'
            self.partial = tempfile.mkdtemp(prefix=prefix, dir=parent)
            os.chmod(self.partial, 0o777 & ~_umask())  # mkdtemp's 0700 would hide it from others
        else:
            if osp.isdir(self.partial):
                shutil.rmtree(self.partial)
            os.mkdir(self.partial)
        return self.partial

    def swap_in(self, replace: bool = False) -> None:
        """Rename the hidden folder to ``path``.

        An empty folder at ``path`` gives way. One that holds files is replaced
        only with ``replace``: it is moved aside, and removed once the new one
        is in place (put back if the rename fails).

        Raises:
            OSError: ``path`` holds files and ``replace`` is False, or a rename fails.
        """
        aside = None
        if osp.isdir(self.path) and (not replace or not os.listdir(self.path)):
            os.rmdir(self.path)  # raises where files appeared: they are never removed here
        elif replace and osp.isdir(self.path):
            name, parent = osp.basename(self.path), osp.dirname(self.path) or '.'
            aside = tempfile.mkdtemp(prefix=f'.{name}.replaced-', dir=parent)
            os.replace(self.path, aside)
        try:
            os.replace(self.partial, self.path)
        except OSError:
            if aside is not None:
                os.replace(aside, self.path)
            raise
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)

    def discard(self) -> None:
        """Remove the hidden folder of a run that did not finish."""
        if self.partial is not None:
            shutil.rmtree(self.partial, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
