"""ExactResumeHook: the random state rides in each checkpoint and comes back where it belongs.

The end-to-end proof (a killed and resumed run repeats the uninterrupted run's losses bit
for bit) is ``tests/integration/test_tools/test_train_crash_safety.py``; these tests pin each
hook event.
"""

import random
from types import SimpleNamespace

import numpy as np
import torch
from mmengine.runner import IterBasedTrainLoop

from attn_unet.engine import ExactResumeHook
from attn_unet.engine.hooks.exact_resume_hook import RestoreAfterReplay
from attn_unet.engine.rng import capture_rng_state


def _draws():
    return random.random(), float(np.random.rand()), torch.rand(2).tolist()


def test_restore_comes_after_the_replay_and_before_the_next_item():
    state = capture_rng_state()
    expected = _draws()
    fetched = []

    def items():
        while True:
            fetched.append(_draws())  # the item's augmentations draw from the generators
            yield len(fetched)

    iterator = RestoreAfterReplay(items(), replayed=2, state=state)
    assert [next(iterator) for _ in range(3)] == [1, 2, 3]
    assert fetched[2] == expected, 'the third item drew from the saved state'
    assert fetched[0] != expected and fetched[1] != expected


def test_checkpoint_meta_gets_the_state_and_a_best_checkpoint_the_pre_validation_one():
    hook = ExactResumeHook()
    checkpoint = dict(meta=dict(iter=3))
    hook.before_save_checkpoint(None, checkpoint)
    expected = _draws()
    torch.set_rng_state(checkpoint['meta']['rng_state']['torch'])
    assert torch.rand(2).tolist() == expected[2]

    hook.before_val(None)
    training = _draws()
    _draws()  # validation draws (a loader iterator's seed)
    best = dict(meta={})
    hook.before_save_checkpoint(None, best)  # CheckpointHook.after_val_epoch saves the best
    hook.after_val(None)
    assert _draws() == training, 'validation left the training generators where they were'
    torch.set_rng_state(best['meta']['rng_state']['torch'])
    assert torch.rand(2).tolist() == training[2]


def _loop(start_iter):
    loop = IterBasedTrainLoop.__new__(IterBasedTrainLoop)
    loop._iter = start_iter
    loop.dataloader_iterator = iter(range(10))
    return loop


def test_only_a_resumed_loop_is_wrapped():
    hook = ExactResumeHook()
    state = capture_rng_state()
    fresh = SimpleNamespace(train_loop=_loop(0))
    hook.after_load_checkpoint(fresh, dict(meta=dict(rng_state=state)))  # load_from: iter 0
    hook.before_train(fresh)
    assert not isinstance(fresh.train_loop.dataloader_iterator, RestoreAfterReplay)

    resumed = SimpleNamespace(train_loop=_loop(4))
    hook.after_load_checkpoint(resumed, dict(meta=dict(rng_state=state)))
    hook.before_train(resumed)
    wrapped = resumed.train_loop.dataloader_iterator
    assert isinstance(wrapped, RestoreAfterReplay) and wrapped.replayed == 4

    unsaved = SimpleNamespace(train_loop=_loop(4))
    hook.after_load_checkpoint(unsaved, dict(meta={}))  # saved without the hook
    hook.before_train(unsaved)
    assert not isinstance(unsaved.train_loop.dataloader_iterator, RestoreAfterReplay)
