"""Writing files and folders whole: a reader, or a crash, sees the old one or the complete new one.

The one place for "write under a hidden temporary name, then rename into place":
:func:`partial_name` (the hidden sibling, the format's suffix kept),
:func:`atomic_write` / :func:`publish_file` / :func:`write_text_atomically`
(a file: fsync, then rename) and :class:`StagedFolder` (a folder, swapped in
whole). Staging is held by its writer while it is written (:mod:`.staging_claim`),
so :func:`remove_leftovers` removes what killed runs left and nothing a live run
holds. :mod:`.path_kinds` refuses a path of the wrong kind (a file where a folder is due,
or the reverse). Which existing output may be replaced is the caller's policy;
:class:`StagedNewFolder` is the policy of a new output folder (one that holds files is never
replaced). :class:`ProcessLock` keeps a folder to one process at a time. Imports nothing of
the package but :mod:`attn_unet.errors`.
"""

from .atomic_file import atomic_write, publish_file, write_text_atomically
from .leftovers import remove_leftovers
from .partial_name import PARTIAL_MARK, is_partial_name, parse_partial_name, partial_name
from .path_kinds import check_file_path, check_folder_path
from .process_lock import ProcessLock
from .staged_folder import StagedFolder
from .staged_new_folder import StagedNewFolder
from .staging_claim import StagingBusyError

__all__ = [
    'PARTIAL_MARK',
    'ProcessLock',
    'StagedFolder',
    'StagedNewFolder',
    'StagingBusyError',
    'atomic_write',
    'check_file_path',
    'check_folder_path',
    'is_partial_name',
    'parse_partial_name',
    'partial_name',
    'publish_file',
    'remove_leftovers',
    'write_text_atomically',
]
