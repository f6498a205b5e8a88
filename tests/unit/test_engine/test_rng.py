"""The random state saved with a checkpoint survives torch's safe loader and restores draws."""

import io
import random

import numpy as np
import torch

from attn_unet.engine.rng import capture_rng_state, restore_rng_state


def _draws():
    return random.random(), float(np.random.rand()), np.random.randn(), torch.rand(3).tolist()


def test_rng_state_round_trips_through_a_safe_load():
    buffer = io.BytesIO()
    torch.save(capture_rng_state(), buffer)
    expected = _draws()
    buffer.seek(0)
    restore_rng_state(torch.load(buffer, weights_only=True))
    assert _draws() == expected
