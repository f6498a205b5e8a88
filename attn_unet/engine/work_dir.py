"""What a training run checks and takes in its work dir before it writes anything there.

mmengine's Runner creates ``<work_dir>/<timestamp>/`` (log file, visualizer) as it is
built, and a run without ``resume`` starts from scratch: reaching the iteration numbers
of a run already in the work dir, it replaces that run's ``iter_N.pth`` and
``last_checkpoint`` one by one, so a kill leaves checkpoints of two runs side by side.
:func:`claim_work_dir` runs before the Runner is built and decides, in this order:

1. another live run holds the work dir's lock: refused (:class:`WorkDirBusyError`);
2. the work dir holds a run's checkpoints and this run neither resumes nor overwrites:
   refused (:class:`PreviousRunError`), naming the newest checkpoint and both fixes;
3. otherwise the lock is taken; with ``overwrite`` the previous run's files (checkpoints,
   ``last_checkpoint``, log folders, the config copy the new run would replace) are moved
   into ``<work_dir>/replaced_<timestamp>/`` first, so nothing is lost and nothing mixes.

A refusal writes nothing: no folder, no lock file, no log. :func:`claim_for_training` is
what ``AttnUNetRunner.from_cfg`` calls: the refusals every rank gets, then the claim on rank 0.
"""

import os
import os.path as osp
import re
import time
from typing import Tuple

from attn_unet.checkpoints import POINTER, newest_checkpoint, run_checkpoints
from attn_unet.errors import PreviousRunError, ToolError, WorkDirBusyError
from attn_unet.fileio import ProcessLock, is_partial_name, write_text_atomically

from .dist import check_launcher_env, launcher_rank
from .resume import check_something_left_to_train, find_checkpoint_to_resume

__all__ = [
    'REPLACED_PREFIX',
    'WorkDirLock',
    'check_fresh_start',
    'claim_for_training',
    'claim_work_dir',
    'config_copy_name',
    'remove_stale_partials',
    'set_previous_run_aside',
]

LOG_FOLDER = re.compile(r'^\d{8}_\d{6}$')  # mmengine's <timestamp>/ of each run
REPLACED_PREFIX = 'replaced_'


class WorkDirLock(ProcessLock):
    """One training run per work dir (:class:`attn_unet.fileio.ProcessLock` on it); a second
    run is refused naming the holder."""

    def busy_error(self, holder: str) -> WorkDirBusyError:
        return WorkDirBusyError(
            f'work dir {self.folder} is in use by {holder or "another process"}: wait for that '
            'run to end, or pass another --work-dir'
        )


def check_fresh_start(work_dir: str, resume: bool, overwrite: bool) -> None:
    """Refuse a fresh run into a work dir that holds a run's checkpoints.

    Args:
        work_dir: the run's work dir.
        resume: the run resumes (``--resume``): it continues what is there.
        overwrite: the run was told to start over (``--overwrite``).

    Raises:
        ToolError: ``resume`` and ``overwrite`` together.
        PreviousRunError: checkpoints (or ``last_checkpoint``) and neither flag.
    """
    if resume and overwrite:
        raise ToolError(
            '--resume and --overwrite contradict each other: pass --resume to continue the run '
            'in the work dir, or --overwrite to start a new one'
        )
    if resume or overwrite or not osp.isdir(work_dir):
        return
    if not run_checkpoints(work_dir) and not osp.isfile(osp.join(work_dir, POINTER)):
        return
    newest = newest_checkpoint(work_dir) or osp.join(work_dir, POINTER)
    raise PreviousRunError(
        f'work dir {work_dir} holds the checkpoints of an earlier run (newest: {newest}): '
        'continue it with --resume, start over with --overwrite (moves that run into '
        f'{REPLACED_PREFIX}<timestamp>/), or pass another --work-dir'
    )


def _unique_folder(work_dir: str) -> str:
    stamp = time.strftime('%Y%m%d_%H%M%S')
    folder, n = osp.join(work_dir, f'{REPLACED_PREFIX}{stamp}'), 1
    while osp.exists(folder):
        n += 1
        folder = osp.join(work_dir, f'{REPLACED_PREFIX}{stamp}_{n}')
    return folder


def set_previous_run_aside(work_dir: str, config_copy: str | None = None) -> Tuple[str, int]:
    """Move the previous run's files into a new ``<work_dir>/replaced_<timestamp>/``.

    Moved: ``iter_*/epoch_*/best_*.pth``, ``last_checkpoint`` (rewritten to name the
    moved file), mmengine's ``<timestamp>/`` log folders and ``config_copy`` (the
    config copy the new run would write over). Nothing is deleted.

    Args:
        work_dir: the work dir (holding the lock).
        config_copy: file name of the config copy the new run writes, if any.

    Returns:
        ``(folder, number of entries moved)``; ``('', 0)`` when there was nothing.
    """
    names = [osp.basename(p) for p in run_checkpoints(work_dir)]
    for name in sorted(os.listdir(work_dir)):
        path = osp.join(work_dir, name)
        if (name == POINTER and osp.isfile(path)) or (LOG_FOLDER.match(name) and osp.isdir(path)):
            names.append(name)
    if config_copy and osp.isfile(osp.join(work_dir, config_copy)):
        names.append(config_copy)
    if not names:
        return '', 0
    folder = _unique_folder(work_dir)
    os.mkdir(folder)
    for name in names:
        os.replace(osp.join(work_dir, name), osp.join(folder, name))
    pointer = osp.join(folder, POINTER)
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        moved = osp.join(folder, osp.basename(named))
        if named and osp.dirname(osp.abspath(named)) == osp.abspath(work_dir) and osp.isfile(moved):
            write_text_atomically(pointer, moved)
    return folder, len(names)


def claim_work_dir(
    work_dir: str,
    resume: bool,
    overwrite: bool,
    config_copy: str | None = None,
) -> Tuple[WorkDirLock, str | None]:
    """Take ``work_dir`` for a training run, or refuse before writing anything.

    Args:
        work_dir: the run's work dir (created if missing).
        resume: the run resumes.
        overwrite: start over; the previous run is moved aside first.
        config_copy: file name of the config copy the run will write there.

    Returns:
        The held lock and a one-line note of what was moved aside (None if nothing).

    Raises:
        WorkDirBusyError: another live run holds the lock.
        PreviousRunError: see :func:`check_fresh_start`.
    """
    lock = WorkDirLock(work_dir)
    lock.refuse_if_held()
    check_fresh_start(work_dir, resume, overwrite)
    lock.acquire()
    try:
        check_fresh_start(work_dir, resume, overwrite)  # a run may have ended in between
        note = None
        if overwrite:
            folder, moved = set_previous_run_aside(work_dir, config_copy)
            if moved:
                note = f'--overwrite: moved the earlier run ({moved} entries) into {folder}'
    except BaseException:
        lock.release()
        raise
    return lock, note


def config_copy_name(cfg) -> str | None:
    """The file name mmengine's ``dump_config`` gives the config copy in the work dir."""
    return osp.basename(cfg.filename) if getattr(cfg, 'filename', None) else None


def claim_for_training(cfg) -> tuple:
    """The refusals a training run gets before anything is written, then its work dir.

    Every rank checks its launcher environment and the checkpoint a resume continues
    from; rank 0 also refuses a busy work dir or one holding another run's checkpoints,
    then claims it (:func:`claim_work_dir`).

    Returns:
        ``(lock, note, found)``: the held lock and the ``--overwrite`` note (None on
        ranks other than 0) and the checkpoint a resume continues from (see
        :func:`~attn_unet.engine.resume.find_checkpoint_to_resume`).
    """
    launcher = cfg.get('launcher', 'none')
    if launcher != 'none':
        check_launcher_env(launcher)
    work_dir, resume, overwrite = (
        cfg['work_dir'],
        bool(cfg.get('resume')),
        bool(cfg.get('overwrite')),
    )
    is_rank_0 = launcher_rank(launcher) == 0
    if is_rank_0:  # the busy work dir first: its checkpoints are another run's, live
        WorkDirLock(work_dir).refuse_if_held()
        check_fresh_start(work_dir, resume, overwrite)
    found = (None, None, None)
    if resume:
        found = find_checkpoint_to_resume(cfg)
        if found[0] is not None:
            check_something_left_to_train(cfg.get('train_cfg'), found[0], found[1])
    if not is_rank_0:
        return None, None, found
    lock, note = claim_work_dir(work_dir, resume, overwrite, config_copy=config_copy_name(cfg))
    return lock, note, found


def remove_stale_partials(work_dir: str) -> None:
    """Remove the partial files a run killed while saving left (call holding the lock).

    A hidden partial folder (a test's ``--out`` staged in the work dir) is not the
    training run's to clear and stays.
    """
    for name in os.listdir(work_dir):
        path = osp.join(work_dir, name)
        if is_partial_name(name) and osp.isfile(path):
            os.remove(path)
