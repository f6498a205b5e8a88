"""``statistics.csv``: one row per finished case, never a half row, never a case twice.

A cohort run adds a case's row as soon as the case is done, so a run stopped at scan 300
keeps the rows of the first 299. Each :meth:`StatisticsTable.add` rewrites the whole file
under a hidden partial name and renames it into place (:func:`~attn_unet.fileio.atomic_write`:
fsync, rename): a reader, or a ``kill -9`` at any instant, sees the file before the row or
after it, never a truncated line. The rewrite reads the file first and replaces the row of a
case already in it, so a later run (``--continue``, ``--overwrite``) never duplicates a case.
Several processes writing one table (the ranks of ``torchrun``) take turns under an
exclusive ``flock`` on the table's folder, so none loses another's row. A 400-case table of
a dozen classes is about 200 kB: rewriting it per case costs milliseconds.
"""

import csv
import fcntl
import io
import os
import os.path as osp
from contextlib import contextmanager
from typing import Dict, Iterator, List, Sequence

from attn_unet.errors import ToolError
from attn_unet.fileio import atomic_write

from .statistics import MEASURES

__all__ = ['CASE_COLUMN', 'StatisticsTable', 'statistics_columns']

CASE_COLUMN = 'case'


def statistics_columns(classes: Sequence[str]) -> List[str]:
    """``['case', 'liver_volume_ml', 'liver_mean', 'liver_median', 'liver_std', ...]``."""
    return [CASE_COLUMN] + [f'{name}_{measure}' for name in classes for measure in MEASURES]


class StatisticsTable:
    """The ``statistics.csv`` of a run, one row per case, columns per class and measure.

    Args:
        path: the CSV file (its folder must exist).
        classes: the class names with columns, in column order: the keys of
            :func:`~.statistics.case_statistics`'s ``classes`` (background left out).
    """

    def __init__(self, path: str, classes: Sequence[str]) -> None:
        self.path = path
        self.columns = statistics_columns(classes)
        self.classes = [str(c) for c in classes]

    def cases(self) -> List[str]:
        """The cases that have a row, in file order (empty when there is no file yet).

        Raises:
            ToolError: the file is not a table of these columns.
        """
        return list(self._read())

    def add(self, case: str, statistics: dict) -> None:
        """Write ``case``'s row, replacing the row it already has; the file stays whole.

        Args:
            case: the case's name (the output stem).
            statistics: :func:`~.statistics.case_statistics`'s record (or the same read
                back from JSON); a class it lacks, or a measure that is None, gives an
                empty cell.

        Raises:
            ToolError: the existing file is not a table of these columns.
        """
        row = [case] + [
            _cell(statistics.get('classes', {}).get(name, {}).get(measure))
            for name in self.classes
            for measure in MEASURES
        ]
        with _folder_lock(osp.dirname(self.path) or '.'):
            rows = self._read()
            rows[case] = row
            text = io.StringIO()
            writer = csv.writer(text, lineterminator='\n')
            writer.writerow(self.columns)
            writer.writerows(rows.values())
            with atomic_write(self.path, unique=True) as partial:
                with open(partial, 'w', encoding='utf-8', newline='') as f:
                    f.write(text.getvalue())

    def _read(self) -> Dict[str, List[str]]:
        """``{case: row}`` of the file in file order; ``{}`` when it does not exist."""
        if not osp.exists(self.path):
            return {}
        with open(self.path, encoding='utf-8', newline='') as f:
            table = list(csv.reader(f))
        if not table or table[0] != self.columns or any(len(r) != len(self.columns)
                                                        for r in table[1:]):  # fmt: skip
            raise ToolError(
                f'{self.path} exists and is not a statistics table of these classes '
                f'({", ".join(self.classes)}): move it away, or write into another --out-dir'
            )
        return {row[0]: row for row in table[1:]}


def _cell(value) -> str:
    """A CSV cell: '' for None, 10 significant digits for a number."""
    if value is None:
        return ''
    return format(float(value), '.10g')


@contextmanager
def _folder_lock(folder: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder`` (waiting for it); the kernel drops it on exit."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
