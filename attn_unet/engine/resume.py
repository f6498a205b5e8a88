"""Which checkpoint a ``--resume`` continues from, and whether anything is left to train.

Both are decided from the config and the files alone, before the runner is built: a
resume that cannot go anywhere (the checkpoint is at or past ``train_cfg.max_iters``)
is refused before anything is written into the work dir, instead of exiting 0 having
trained nothing. The checkpoint read here is the one the runner then loads.
"""

import os.path as osp
from typing import Tuple

from attn_unet.checkpoints import load_checkpoint_file, pointed_checkpoint, resume_candidates
from attn_unet.errors import CheckpointError, ToolError

__all__ = [
    'check_something_left_to_train',
    'find_checkpoint_to_resume',
    'find_resume_checkpoint',
    'schedule_position',
]


def find_checkpoint_to_resume(cfg) -> Tuple[str | None, dict | None, str | None]:
    """The checkpoint a resuming run of ``cfg`` continues from.

    ``cfg.load_from`` when set (``--resume PATH``), else the newest loadable checkpoint
    of ``cfg.work_dir`` (see :func:`find_resume_checkpoint`).

    Returns:
        ``(path, checkpoint, note)``; ``path`` and ``checkpoint`` are None when the work
        dir holds no checkpoint (the run starts afresh), ``note`` says why a file other
        than the one ``last_checkpoint`` names was taken.

    Raises:
        CheckpointError: the file cannot be resumed from.
    """
    if cfg.get('load_from'):
        path = cfg.load_from
        return path, load_checkpoint_file(path, 'resume', need_training_state=True), None
    return find_resume_checkpoint(cfg.work_dir)


def find_resume_checkpoint(work_dir: str) -> Tuple[str | None, dict | None, str | None]:
    """The newest loadable training checkpoint of ``work_dir``, in the order
    :func:`attn_unet.checkpoints.resume_candidates` gives (``last_checkpoint``'s first).

    Returns:
        ``(path, checkpoint, note)``: ``path`` and its loaded ``checkpoint`` (both None when
        the work dir holds no checkpoint: start afresh), and ``note``, one line saying why
        another file than ``last_checkpoint``'s was taken (None when it was not).

    Raises:
        CheckpointError: checkpoints exist but none loads.
    """
    candidates = resume_candidates(work_dir)
    named = pointed_checkpoint(work_dir)
    failures = []
    for path in candidates:
        try:
            checkpoint = load_checkpoint_file(path, 'resume', need_training_state=True)
        except CheckpointError as exc:
            failures.append(exc)
            continue
        if path == named:
            return path, checkpoint, None
        why = (
            f'{osp.basename(named)} named by last_checkpoint does not load'
            if named
            else 'last_checkpoint is missing or empty'
        )
        return path, checkpoint, f'resume: {why}; resuming from the newest loadable {path}'
    if failures:
        raise failures[0]
    return None, None, None


def schedule_position(train_cfg: dict, checkpoint: dict) -> Tuple[str, int | None, int | None]:
    """Where ``checkpoint`` stands in the schedule of ``train_cfg``.

    Returns:
        ``(unit, saved, limit)``: ``'iteration'`` or ``'epoch'``, the checkpoint's step and
        ``train_cfg``'s last (None where one does not say); the run is finished when
        ``saved >= limit``.
    """
    train_cfg = train_cfg or {}
    unit, limit_key, meta_key = 'iteration', 'max_iters', 'iter'
    if 'max_iters' not in train_cfg and 'max_epochs' in train_cfg:
        unit, limit_key, meta_key = 'epoch', 'max_epochs', 'epoch'
    saved = (checkpoint.get('meta') or {}).get(meta_key)
    limit = train_cfg.get(limit_key)
    valid = isinstance(saved, int) and isinstance(limit, int)
    return unit, saved if valid else None, limit if valid else None


def check_something_left_to_train(train_cfg: dict, path: str, checkpoint: dict) -> None:
    """Refuse a resume whose checkpoint is already at (or past) the end of the schedule.

    Raises:
        ToolError: naming the checkpoint's step, the limit and how to raise it.
    """
    unit, saved, limit = schedule_position(train_cfg, checkpoint)
    limit_key = 'max_iters' if unit == 'iteration' else 'max_epochs'
    if saved is not None and saved >= limit:
        raise ToolError(
            f'resume checkpoint {path} is at {unit} {saved} and train_cfg.{limit_key} is '
            f'{limit}: nothing is left to train; raise it above {saved} (e.g. --cfg-options '
            f'train_cfg.{limit_key}={2 * saved}), or test that checkpoint with tools/test.py'
        )
