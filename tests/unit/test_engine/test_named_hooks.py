"""The runner runs what the config names: the plain CheckpointHook is refused, a missing guard
named in one warning line."""

import pytest
from mmengine.config import Config
from mmengine.hooks import CheckpointHook

from attn_unet.engine import named_hooks
from attn_unet.engine.hooks import SafeCheckpointHook
from attn_unet.errors import ConfigValueError

GUARDS = [dict(type='DivergenceGuardHook'), dict(type='LabelIdGuardHook'),
          dict(type='ExactResumeHook')]  # fmt: skip


class _MyCheckpointHook(SafeCheckpointHook):
    pass


@pytest.fixture
def warnings(monkeypatch):
    lines = []
    monkeypatch.setattr(named_hooks, 'print_log', lambda message, **kwargs: lines.append(message))
    return lines


@pytest.mark.parametrize(
    'checkpoint, refused',
    [
        (dict(type='SafeCheckpointHook', interval=2), False),
        (dict(type=_MyCheckpointHook), False),
        (None, False),  # no checkpoints at all: nothing to lose
        (dict(type='CheckpointHook', interval=2), True),
        (dict(type=CheckpointHook), True),
        ('missing', True),  # mmengine would add its plain CheckpointHook
    ],
)
def test_checkpoint_hook(checkpoint, refused, warnings):
    default_hooks = {} if checkpoint == 'missing' else dict(checkpoint=checkpoint)
    cfg = Config(dict(default_hooks=default_hooks, custom_hooks=GUARDS))
    if not refused:
        named_hooks.check_named_hooks(cfg)
        assert warnings == []
        return
    with pytest.raises(ConfigValueError) as error:
        named_hooks.check_named_hooks(cfg)
    assert 'default_hooks.checkpoint is CheckpointHook' in str(error.value)
    assert "type='SafeCheckpointHook'" in str(error.value)


@pytest.mark.parametrize('missing', range(len(GUARDS)))
def test_a_missing_guard_is_named_in_training_only(missing, warnings):
    hooks = [hook for i, hook in enumerate(GUARDS) if i != missing]
    cfg = Config(dict(default_hooks=dict(checkpoint=None), custom_hooks=hooks))
    named_hooks.check_named_hooks(cfg, training=False)
    assert warnings == []
    named_hooks.check_named_hooks(cfg)
    assert len(warnings) == 1
    assert warnings[0].startswith(f'custom_hooks has no {GUARDS[missing]["type"]}: ')
    assert '_base_.custom_hooks + [...]' in warnings[0]
