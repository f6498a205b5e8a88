"""Every random state a training step draws from, as checkpoint-safe data.

A resumed run must draw the same dropout masks and augmentations as the
uninterrupted one, so a checkpoint keeps the state of python's ``random``,
numpy's global generator and torch's CPU (and CUDA) generators. Everything is
stored as tensors, ints and lists so ``torch.load(weights_only=True)`` reads it.
"""

import random

import numpy as np
import torch

__all__ = ['capture_rng_state', 'restore_rng_state']


def capture_rng_state() -> dict:
    """The current state of python, numpy and torch (CPU, CUDA) generators."""
    version, internal, gauss = random.getstate()
    numpy_state = np.random.get_state(legacy=False)
    state = dict(
        python=dict(version=version, internal=list(internal), gauss=gauss),
        numpy=dict(
            bit_generator=numpy_state['bit_generator'],
            key=torch.from_numpy(numpy_state['state']['key'].astype(np.int64)),
            pos=int(numpy_state['state']['pos']),
            has_gauss=int(numpy_state['has_gauss']),
            gauss=float(numpy_state['gauss']),
        ),
        torch=torch.get_rng_state(),
    )
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict) -> None:
    """Put back the generators :func:`capture_rng_state` recorded."""
    python = state['python']
    random.setstate((python['version'], tuple(python['internal']), python['gauss']))
    numpy = state['numpy']
    np.random.set_state(
        dict(
            bit_generator=numpy['bit_generator'],
            state=dict(key=numpy['key'].numpy().astype(np.uint32), pos=numpy['pos']),
            has_gauss=numpy['has_gauss'],
            gauss=numpy['gauss'],
        )
    )
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])
