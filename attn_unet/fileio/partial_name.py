"""Where a file or folder is written before it is complete: a hidden sibling of it.

``DIR/.NAME.partial.SUFFIX`` for ``DIR/NAME.SUFFIX``: hidden, so a listing or a
glob such as ``iter_*.pth`` passes it over, and ending in the format's suffix
(``.nii.gz``, ``.png``, ``.onnx``, ``.pth``), so a writer that picks the format
from the name (nibabel) writes the right one. A name of one process only carries
its id (``.NAME.partial-PID.SUFFIX``, ``-PID-TID`` off the main thread; a staging folder
``.NAME.partial-PID-XXXX``).
:func:`parse_partial_name` reads such a name back: the final name and the pid.
"""

import os
import os.path as osp
import re
import threading
from typing import NamedTuple

__all__ = [
    'COMPOUND_SUFFIXES',
    'PARTIAL_MARK',
    'PartialName',
    'format_suffix',
    'is_partial_name',
    'parse_partial_name',
    'partial_name',
]

PARTIAL_MARK = '.partial'
COMPOUND_SUFFIXES = ('.nii.gz', '.tar.gz')
# .STEM.partial[-TAG]SUFFIX, TAG = PID, PID-XXXX (a staging folder) or mkdtemp's XXXX.
_PARTIAL = re.compile(
    r'^\.(?P<stem>.+?)\.partial(?:-(?P<tag>[A-Za-z0-9_-]+))?(?P<suffix>(\.[^.]+)*)$'
)
_PID = re.compile(r'^(\d+)(?:-|$)')


def format_suffix(name: str) -> str:
    """``.nii.gz`` of ``case7.nii.gz``, ``.pth`` of ``iter_4.pth``, ``''`` of a bare name."""
    compound = next((s for s in COMPOUND_SUFFIXES if name.lower().endswith(s)), None)
    return name[-len(compound) :] if compound else osp.splitext(name)[1]


def partial_name(path: str, keep_suffix: bool = True, unique: bool = False) -> str:
    """The hidden sibling ``path`` is written under until it is complete.

    Args:
        path: the file (or folder) being written.
        keep_suffix: end the name in ``path``'s format suffix (files); False
            gives ``.NAME.partial`` (folders).
        unique: add this process's id (``.NAME.partial-PID.SUFFIX``), and off the
            main thread the thread's too (``.NAME.partial-PID-TID.SUFFIX``), for a
            file that several processes or threads may write at once.

    Returns:
        ``DIR/.iter_4.partial.pth`` for ``DIR/iter_4.pth``,
        ``DIR/.case7.partial.nii.gz`` for ``DIR/case7.nii.gz``,
        ``DIR/.preds.partial`` for the folder ``DIR/preds``.
    """
    folder, name = osp.split(path)
    suffix = format_suffix(name) if keep_suffix else ''
    mark = PARTIAL_MARK
    if unique:
        thread = threading.current_thread()
        on_main = thread is threading.main_thread()
        mark += f'-{os.getpid()}' if on_main else f'-{os.getpid()}-{threading.get_native_id()}'
    return osp.join(folder, f'.{name[: len(name) - len(suffix)]}{mark}{suffix}')


def is_partial_name(name: str) -> bool:
    """Whether the file name ``name`` is one :func:`partial_name` gives."""
    return name.startswith('.') and PARTIAL_MARK in name


class PartialName(NamedTuple):
    """What a partial name says: the final name it is written for and the writer's pid."""

    final: str
    pid: int | None


def parse_partial_name(name: str) -> PartialName | None:
    """The final name and pid of a partial name :func:`partial_name` gives, else None.

    ``.case7.partial-412.nii.gz`` -> ``('case7.nii.gz', 412)``, ``.iter_4.pth.partial``
    -> ``('iter_4.pth', None)``, ``.set.partial-412-k2x9`` -> ``('set', 412)``.
    """
    match = _PARTIAL.match(name)
    if match is None:
        return None
    tag = match.group('tag') or ''
    pid = _PID.match(tag)
    final = match.group('stem') + match.group('suffix')
    return PartialName(final, int(pid.group(1)) if pid else None)
