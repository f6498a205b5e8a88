"""Training the folds: each one a ``tools/train.py`` run in its own work dir, one per card.

A fold is trained as a user would train it by hand, by ``tools/train.py FOLD_CONFIG
--work-dir <folder>/fold_<k>``, so it has every guarantee of that tool: the work dir locked
to one run, checkpoints written whole, a resume that continues the schedule and the seed.
Before launching, the fold's work dir is read as a resume reads it
(:func:`attn_unet.engine.resume.find_resume_checkpoint`):

- no checkpoint: the fold trains afresh;
- a checkpoint before the end of the schedule (a run that was stopped or killed): the fold
  resumes from it (``--resume``);
- a checkpoint at the end: the fold is finished and not trained again.

With one card (or none) the folds train one after another, their output on the terminal;
with ``gpus`` > 1, up to that many at once, each seeing one card
(``CUDA_VISIBLE_DEVICES``), its output in ``fold_<k>/train.log``.
"""

import os
import os.path as osp
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence

from attn_unet.engine.resume import find_resume_checkpoint, schedule_position
from attn_unet.errors import ToolError

__all__ = ['FoldJob', 'FoldStatus', 'card_slots', 'fold_status', 'run_fold_jobs', 'train_command']

TRAIN_LOG = 'train.log'


@dataclass(frozen=True)
class FoldStatus:
    """Where a fold's training stands.

    Attributes:
        state: ``'fresh'``, ``'resume'`` or ``'finished'``.
        checkpoint: the checkpoint a resume continues from, or the finished fold's last.
        step: that checkpoint's iteration (or epoch), and ``limit`` the schedule's last.
    """

    state: str
    checkpoint: str | None = None
    step: int | None = None
    limit: int | None = None
    unit: str = 'iteration'

    def describe(self) -> str:
        if self.state == 'fresh':
            return 'trains afresh'
        where = f'{self.unit} {self.step} of {self.limit}'
        if self.state == 'resume':
            return f'resumes from {self.checkpoint} ({where})'
        return f'finished ({where}, {self.checkpoint}): not trained again'


@dataclass(frozen=True)
class FoldJob:
    """One fold's training run: its command and where it runs."""

    fold: int
    command: List[str]
    work_dir: str


def fold_status(work_dir: str, train_cfg: dict) -> FoldStatus:
    """Read ``work_dir`` as a resume reads it; see the module doc.

    Raises:
        CheckpointError: checkpoints there, but none loads.
    """
    if not osp.isdir(work_dir):
        return FoldStatus('fresh')
    path, checkpoint, _ = find_resume_checkpoint(work_dir)
    if path is None:
        return FoldStatus('fresh')
    unit, step, limit = schedule_position(train_cfg, checkpoint)
    state = 'finished' if step is not None and step >= limit else 'resume'
    return FoldStatus(state, path, step, limit, unit)


def train_command(
    train_script: str,
    fold_config: str,
    work_dir: str,
    resume: bool,
    cfg_options: Sequence[str] = (),
    amp: bool = False,
) -> List[str]:
    """``python tools/train.py FOLD_CONFIG --work-dir DIR [--resume] [--amp] [--cfg-options]``."""
    command = [sys.executable, train_script, fold_config, '--work-dir', work_dir]
    if resume:
        command.append('--resume')
    if amp:
        command.append('--amp')
    if cfg_options:
        command += ['--cfg-options', *cfg_options]
    return command


def card_slots(gpus: int) -> List[str | None]:
    """One slot per fold trained at once: None (the default device) for 1, else card ids.

    Raises:
        ToolError: ``gpus`` below 1, or more than this machine has.
    """
    if gpus < 1:
        raise ToolError(f'--gpus {gpus}: pass 1 (folds one after another) or more')
    if gpus == 1:
        return [None]
    import torch

    count = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if count < gpus:
        raise ToolError(
            f'--gpus {gpus} trains {gpus} folds at once, one per card, and this machine has '
            f'{count} CUDA card(s): pass --gpus {max(count, 1)} or fewer'
        )
    visible = os.environ.get('CUDA_VISIBLE_DEVICES')
    cards = [c.strip() for c in visible.split(',')] if visible else [str(i) for i in range(count)]
    return cards[:gpus]


def run_fold_jobs(
    jobs: Sequence[FoldJob],
    slots: Sequence[str | None],
    say: Callable[[str], None] = print,
    launch: Callable[..., subprocess.Popen] = subprocess.Popen,
    poll_seconds: float = 1.0,
) -> Dict[int, int]:
    """Run the jobs, at most one per slot at a time; stop launching after a failure.

    Args:
        jobs: the folds to train, in order.
        slots: :func:`card_slots`; a job in slot ``s`` sees only card ``s`` (None: as is).
        say: where the one-line notes go.
        launch: starts a process (``subprocess.Popen``'s signature).
        poll_seconds: how often running jobs are looked at.

    Returns:
        ``{fold: exit code}`` of every job started (a failure stops the next ones).
    """
    pending, running, codes = list(jobs), {}, {}
    free = list(slots)
    try:
        while pending or running:
            failed = any(code != 0 for code in codes.values())
            while pending and free and not failed:
                slot, job = free.pop(0), pending.pop(0)
                running[slot] = (job, _start(job, slot, len(slots) > 1, say, launch))
            if not running:
                break
            for slot, (job, process) in list(running.items()):
                if process.poll() is not None:
                    codes[job.fold] = process.returncode
                    del running[slot]
                    free.append(slot)
            if running:
                time.sleep(poll_seconds)
    except BaseException:
        _stop_all([process for _, process in running.values()])
        raise
    return codes


def _start(job: FoldJob, slot, parallel: bool, say, launch) -> subprocess.Popen:
    env = dict(os.environ)
    if slot is not None:
        env['CUDA_VISIBLE_DEVICES'] = slot
    if not parallel:
        return launch(job.command, env=env)
    os.makedirs(job.work_dir, exist_ok=True)
    log = osp.join(job.work_dir, TRAIN_LOG)
    say(f'fold {job.fold}: training on card {slot}, output in {log}')
    with open(log, 'ab') as out:
        return launch(job.command, env=env, stdout=out, stderr=subprocess.STDOUT)


def _stop_all(processes: List[subprocess.Popen], grace_seconds: float = 60.0) -> None:
    """End the running trainings as Ctrl-C ends one: SIGTERM, then a kill after a grace."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace_seconds
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
