"""Let torch's safe checkpoint loader read mmengine checkpoints.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True``, which only
unpickles allow-listed globals. mmengine 0.10.7 checkpoints carry the message
hub's :class:`~mmengine.logging.HistoryBuffer` objects (numpy arrays inside)
and, for their statistics methods, ``getattr(HistoryBuffer, 'mean')`` and the
like, so ``--resume`` fails. :func:`allow_mmengine_checkpoint_globals`
allow-lists exactly those globals. ``builtins.getattr`` is replaced by
:func:`history_buffer_getattr`, which resolves only HistoryBuffer's statistics
methods and refuses everything else (``ndarray.tofile`` for instance).
"""

import pickle

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

__all__ = ['allow_mmengine_checkpoint_globals', 'history_buffer_getattr', 'safe_globals']

HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')


def history_buffer_getattr(obj, name: str):
    """``getattr`` restricted to ``HistoryBuffer``'s statistics methods.

    Raises:
        pickle.UnpicklingError: for any other object or attribute name.
    """
    if obj is HistoryBuffer and name in HISTORY_BUFFER_STATISTICS:
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'checkpoint asks for getattr({obj!r}, {name!r}); only HistoryBuffer '
        f'statistics {HISTORY_BUFFER_STATISTICS} are allowed by the safe loader'
    )


def _numpy_globals() -> list:
    multiarray = np._core.multiarray if hasattr(np, '_core') else np.core.multiarray
    dtype_classes = [type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDGUS']
    # numpy 1.x pickles name numpy.core, numpy 2.x numpy._core: accept both, so a
    # checkpoint resumes whichever numpy wrote it.
    aliases = [
        (func, f'{module}.multiarray.{func.__name__}')
        for func in (multiarray._reconstruct, multiarray.scalar)
        for module in ('numpy.core', 'numpy._core')
    ]
    return [np.ndarray, np.dtype, *dtype_classes, *aliases]


def safe_globals() -> list:
    """Everything an mmengine 0.10.7 checkpoint needs beyond tensors."""
    return [HistoryBuffer, *_numpy_globals(), (history_buffer_getattr, 'builtins.getattr')]


def allow_mmengine_checkpoint_globals() -> None:
    """Register :func:`safe_globals` with ``torch.serialization`` (idempotent)."""
    torch.serialization.add_safe_globals(safe_globals())
