"""A folder written under a hidden sibling name and swapped in whole when it is complete.

What the folder's final path may replace is the caller's policy: ``tools/test.py
--out`` never replaces a folder that holds files
(:class:`~.staged_new_folder.StagedNewFolder`); a converter
replaces only a set it recorded itself
(:class:`~attn_unet.datasets.staged_output.StagedOutput`).

The hidden folder is held (:mod:`.staging_claim`) from :meth:`StagedFolder.prepare`
until it is swapped in or discarded. So :meth:`~StagedFolder.prepare` can remove
what runs killed earlier left beside the same ``path`` (and says so in one line)
without touching the staging of a run still writing. An error about the hidden
folder names ``path``, the folder the user gave.
"""

import os
import os.path as osp
import shutil
import tempfile
from typing import Callable

from .atomic_file import name_the_given_path
from .leftovers import remove_leftovers
from .partial_name import partial_name
from .staging_claim import StagingBusyError, StagingClaim, try_claim

__all__ = ['StagedFolder']


class StagedFolder:
    """A hidden sibling of ``path`` to write into, renamed to ``path`` by :meth:`swap_in`.

    Args:
        path: the folder's final place.
        unique: stage in a folder of this object only (``.NAME.partial-PID-XXXX``,
            made by :meth:`prepare`), so that runs into the same ``path`` at
            once do not share one; by default ``.NAME.partial``, which the
            next run clears, so a killed run leaves nothing behind for long.
        log: where the line about removed leftovers goes (default: stderr).
    """

    def __init__(
        self, path: str, unique: bool = False, log: Callable[[str], None] | None = None
    ) -> None:
        self.path = path
        self.unique = unique
        self.log = log
        self.partial: str | None = None if unique else partial_name(path, keep_suffix=False)
        self._claim: StagingClaim | None = None

    def prepare(self) -> str:
        """Create the hidden folder, empty and held; remove what killed runs left beside ``path``.

        Returns:
            Its path, :attr:`partial`.

        Raises:
            StagingBusyError: (``unique`` False) a live run holds ``.NAME.partial``.
            OSError: the folder beside ``path`` cannot be created (naming ``path``).
        """
        parent = osp.dirname(self.path) or '.'
        hidden = self.partial or partial_name(self.path, keep_suffix=False)
        try:
            os.makedirs(parent, exist_ok=True)
            self._remove_leftovers(parent)
            if self.unique:
                prefix = f'{osp.basename(hidden)}-{os.getpid()}-'
                self.partial = tempfile.mkdtemp(prefix=prefix, dir=parent)
                os.chmod(self.partial, 0o777 & ~_umask())  # mkdtemp's 0700 hides it from others
            else:
                os.mkdir(self.partial)
            self._claim = try_claim(self.partial)
        except OSError as exc:
            name_the_given_path(exc, hidden, self.path)
            name_the_given_path(exc, self.partial, self.path)
            raise
        return self.partial

    def _remove_leftovers(self, parent: str) -> None:
        """Remove hidden staging of ``path`` that killed runs left (nobody holds it)."""
        name = osp.basename(self.path)
        remove_leftovers(parent, lambda final: final == name, log=self.log)
        if not self.unique and osp.lexists(self.partial):
            # .NAME.partial is this run's name too: held means a run writing into it now
            raise StagingBusyError(
                f'another run is writing into {self.path} now (it holds {self.partial}): wait '
                'for it to finish, or pass another folder'
            )

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
        self._release()
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)

    def discard(self) -> None:
        """Remove the hidden folder of a run that did not finish."""
        if self.partial is not None and self._claim is not None:
            shutil.rmtree(self.partial, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self._claim is not None:
            self._claim.release()
            self._claim = None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
