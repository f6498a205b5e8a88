"""A training run's folder: which files are its checkpoints, which one is newest, which resumes.

mmengine writes ``iter_N.pth`` (or ``epoch_N.pth``, and ``best_*.pth`` with ``save_best``)
into the work dir and names the latest in a text file, ``last_checkpoint``. Every reader of
a run's folder in this package (the resume, the work-dir claim, the divergence note, a folder
given where a checkpoint file is due) asks this module.
"""

import glob
import os.path as osp
import re
from typing import List

__all__ = [
    'CHECKPOINT_PATTERNS',
    'POINTER',
    'checkpoint_step',
    'newest_checkpoint',
    'pointed_checkpoint',
    'resume_candidates',
    'run_checkpoints',
]

POINTER = 'last_checkpoint'
STEP_PATTERNS = ('iter_*.pth', 'epoch_*.pth')
CHECKPOINT_PATTERNS = (*STEP_PATTERNS, 'best_*.pth')
_STEP = re.compile(r'(?:iter|epoch)_(\d+)\.pth$')


def checkpoint_step(path: str) -> int:
    """The N of ``iter_N.pth`` / ``epoch_N.pth`` (-1 for other names)."""
    match = _STEP.search(osp.basename(path))
    return int(match.group(1)) if match else -1


def run_checkpoints(folder: str, best: bool = True) -> List[str]:
    """The checkpoints of a run in ``folder`` (``best_*.pth`` too with ``best``), newest (highest
    step) last."""
    patterns = CHECKPOINT_PATTERNS if best else STEP_PATTERNS
    found = [p for pattern in patterns for p in glob.glob(osp.join(folder, pattern))]
    return sorted(found, key=lambda p: (checkpoint_step(p), p))


def pointed_checkpoint(folder: str) -> str | None:
    """The path ``folder/last_checkpoint`` names, or None (no pointer, or an empty one)."""
    pointer = osp.join(folder, POINTER)
    if not osp.isfile(pointer):
        return None
    with open(pointer) as f:
        return f.read().strip() or None


def newest_checkpoint(folder: str) -> str | None:
    """The checkpoint ``last_checkpoint`` names when that file exists, else the highest step."""
    named = pointed_checkpoint(folder)
    if named and osp.isfile(named):
        return named
    found = run_checkpoints(folder)
    return found[-1] if found else None


def resume_candidates(folder: str) -> List[str]:
    """What a resume tries, in order: the file ``last_checkpoint`` names, then every
    ``iter_*.pth`` / ``epoch_*.pth`` from the highest step down."""
    named = pointed_checkpoint(folder)
    steps = [p for p in reversed(run_checkpoints(folder, best=False)) if p != named]
    return ([named] if named else []) + steps
