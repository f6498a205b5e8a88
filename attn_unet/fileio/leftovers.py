"""Staging that a killed run left behind, removed by the next run of the same tool.

``kill -9`` (or a power cut) ends a run without its cleanup: its hidden partial
file or staging folder stays, and a converter's staging holds gigabytes. The
next run into the same output calls :func:`remove_leftovers`, which removes only

- names this project's writers make (:func:`~.partial_name.parse_partial_name`),
  of the outputs the calling tool writes (``belongs``), never a symlink;
- that no live process holds: neither the pid in the name is running here, nor
  anyone holds the staging's ``flock`` (:mod:`.staging_claim`), so a run still
  writing on this or another machine keeps its staging.

It says what it removed in one line.
"""

import os
import os.path as osp
import shutil
import sys
from typing import Callable, List

from .partial_name import parse_partial_name
from .staging_claim import try_claim

__all__ = ['pid_running', 'remove_leftovers', 'say_removed']


def pid_running(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (of any user)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(
    folder: str, belongs: Callable[[str], bool], log: Callable[[str], None] | None = None
) -> List[str]:
    """Remove the staging in ``folder`` that killed runs left; say so in one line.

    Args:
        folder: where the tool writes (an ``--out-dir``, or a ``--save-path``'s parent).
        belongs: given the final name a partial name stands for (``case7.nii.gz`` for
            ``.case7.partial-412.nii.gz``), whether the calling tool writes it.
        log: where the one line goes (default: stderr).

    Returns:
        The removed paths.
    """
    if not osp.isdir(folder):
        return []
    removed = []
    for name in sorted(os.listdir(folder)):
        parsed = parse_partial_name(name)
        path = osp.join(folder, name)
        if parsed is None or not belongs(parsed.final) or osp.islink(path):
            continue
        if parsed.pid is not None and pid_running(parsed.pid):
            continue
        claim = try_claim(path)
        if claim is None:  # a live run (maybe on another machine) is writing it
            continue
        try:
            if osp.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
            removed.append(path)
        except FileNotFoundError:
            pass
        finally:
            claim.release()
    if removed:
        say_removed(removed, log)
    return removed


def say_removed(removed: List[str], log: Callable[[str], None] | None = None) -> None:
    """One line naming what an earlier, killed run left and this run removed."""
    names = ', '.join(osp.basename(p) for p in removed[:3]) + (', ...' if len(removed) > 3 else '')
    folder = osp.dirname(removed[0]) or '.'
    line = (
        f'removed {len(removed)} unfinished file(s) that a killed earlier run left in '
        f'{folder}: {names}'
    )
    (log or _stderr)(line)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)
