"""Convert into a fresh folder, then put it in place whole: what a converter leaves is one run.

:class:`StagedOutput` gives a converter a hidden staging folder beside its
``--save-path`` (``.NAME.partial-XXXX``, a :class:`~attn_unet.fileio.StagedFolder`
of this run only). The converter writes every file there and calls
:meth:`StagedOutput.commit` with its record; the record
(:mod:`.conversion_record`, listing every file written) goes in last, then the
staging folder is swapped in. The policy, on top of that primitive: an earlier
conversion by the same converter is replaced (moved aside, removed only once
the new one is in place), nothing else is. So:

- no file of an earlier run survives (a case moved from train.txt to val.txt
  leaves no slices in ``img_dir/train``);
- an error midway (a truncated volume, a full disk, Ctrl-C) removes the staging
  folder only: the save path is as it was;
- a non-empty save path without this converter's record was not written by it
  and is refused, never replaced; so is a set of ours that holds files its record
  does not list (added since: replacing the set would delete them).
"""

import os
import os.path as osp
from pathlib import Path

from attn_unet.errors import DatasetError, DatasetLayoutError, disk_full_reason
from attn_unet.fileio import StagedFolder

from .conversion_record import RECORD_NAME, read_record, write_record

__all__ = ['StagedOutput']


class StagedOutput:
    """A context manager: a staging folder for ``save_path``, swapped in by :meth:`commit`.

    Args:
        save_path: Where the converted set goes. A symlink is followed: the set
            replaces the folder it points at.
        converter: The converter's name, stored in and matched against the record.
        option: How the converter's command line names ``save_path`` (messages).

    Raises:
        DatasetLayoutError: On entering: ``save_path`` is a file, or a non-empty
            folder without this converter's record, or one holding files the record
            does not list; or its parent cannot be written.
    """

    def __init__(self, save_path, converter: str, option: str = '--save-path'):
        self.given = osp.normpath(str(save_path))
        self.target = Path(osp.realpath(self.given))
        self.converter = converter
        self.option = option
        self.path: Path | None = None
        self._staged = StagedFolder(str(self.target), unique=True)
        self._committed = False

    def check(self) -> None:
        """Refuse ``save_path`` now, before a long read (:meth:`__enter__` checks it again).

        Raises:
            DatasetLayoutError: as on entering.
        """
        self._refuse_foreign_target()

    def __enter__(self) -> 'StagedOutput':
        self._refuse_foreign_target()
        try:
            self.path = Path(self._staged.prepare())
        except OSError as exc:
            raise DatasetLayoutError(
                f'cannot create a folder beside {self.option} {self.given} '
                f'({exc.strerror or exc}): pass a {self.option} in a folder you can write'
            ) from exc
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        if not self._committed:
            self._staged.discard()
        reason = disk_full_reason(exc) if exc is not None else None
        if reason:
            raise DatasetError(
                f'{reason} while converting into {self.given}: free space on that disk and '
                f'rerun (nothing was written to {self.given})'
            ) from exc
        return False

    def commit(self, record: dict) -> Path:
        """Write ``record`` (plus ``files``, every file staged) and swap the staged set in.

        Returns:
            The converted folder (``save_path`` with symlinks resolved).
        """
        files = sorted(_files_under(self.path))
        write_record(self.path, {'converter': self.converter, **record, 'files': files})
        self._refuse_foreign_target()  # a folder that appeared meanwhile is not ours either
        self._staged.swap_in(replace=True)
        self._committed = True
        return self.target

    def _refuse_foreign_target(self) -> None:
        """Refuse a file, or a non-empty folder this converter did not write, as ``save_path``."""
        target = self.target
        if target.exists() and not target.is_dir():
            raise DatasetLayoutError(
                f'{self.option} {self.given} is a file, not a folder: pass a new or empty folder'
            )
        if not target.is_dir() or not any(target.iterdir()):
            return
        record = read_record(target) if (target / RECORD_NAME).is_file() else None
        if record is None or record['converter'] != self.converter:
            raise DatasetLayoutError(
                f'{self.option} {self.given} holds files but no {RECORD_NAME} of the '
                f'{self.converter} converter: pass a new or empty {self.option} (a converter '
                'only ever replaces a set it wrote itself)'
            )
        written = set(record.get('files') or ()) | {RECORD_NAME}
        added = sorted(set(_files_under(target)) - written)
        if added:
            raise DatasetLayoutError(
                f'{self.option} {self.given} holds {len(added)} file(s) its {RECORD_NAME} does '
                f'not list (e.g. {added[0]}): move them out of it, or pass a new '
                f'{self.option} (replacing the set would delete them)'
            )


def _files_under(root: Path) -> list:
    """Relative paths of every file under ``root``, hidden ones included."""
    return [
        osp.relpath(osp.join(folder, name), root)
        for folder, _, names in os.walk(root)
        for name in names
    ]
