"""The hooks that carry this project's guarantees are the ones the config names.

:class:`~attn_unet.engine.AttnUNetRunner` adds no hook and swaps no type behind the
config, so the dumped config shows every hook that ran. ``configs/_base_/default_runtime.py``
names the guards in ``custom_hooks`` and the schedules name ``SafeCheckpointHook`` as
``default_hooks.checkpoint``. :func:`check_named_hooks` refuses a config whose checkpoint
hook is mmengine's plain one (old checkpoints would be removed before the new one is
complete: a loss, not a choice) and warns, in one line each, about a guard left out of
``custom_hooks`` (a choice, or a config that set its own list and dropped them).
"""

import logging

from mmengine.logging import print_log

from attn_unet.errors import ConfigValueError
from attn_unet.registry import HOOKS

from .hooks import DivergenceGuardHook, ExactResumeHook, LabelIdGuardHook, SafeCheckpointHook

__all__ = ['GUARDS', 'check_named_hooks']

# The guards of custom_hooks, and what a run without each does.
GUARDS = {
    DivergenceGuardHook: 'a diverging run trains on until its next checkpoint save refuses',
    LabelIdGuardHook: 'label ids that a transform makes outside the classes are not caught',
    ExactResumeHook: '--resume does not restore the random state',
}


def _hook_class(hook):
    given = hook.get('type') if isinstance(hook, dict) else type(hook)
    return HOOKS.get(given) if isinstance(given, str) else given


def check_named_hooks(cfg, training: bool = True) -> None:
    """Refuse a checkpoint hook that is not ``SafeCheckpointHook``; warn about missing guards.

    Args:
        cfg: the full config (``default_hooks``, ``custom_hooks``).
        training: warn about missing guards (a test run needs none of them).

    Raises:
        ConfigValueError: ``default_hooks.checkpoint`` is another type, or missing (mmengine
            would add its plain ``CheckpointHook``); ``None`` (no checkpoints) is accepted.
    """
    default_hooks = cfg.get('default_hooks') or {}
    checkpoint = default_hooks.get('checkpoint', dict(type='CheckpointHook'))
    if checkpoint is not None:
        found = _hook_class(checkpoint)
        if not (isinstance(found, type) and issubclass(found, SafeCheckpointHook)):
            shown = getattr(found, '__name__', found)
            raise ConfigValueError(
                f'default_hooks.checkpoint is {shown}, which removes old checkpoints before the '
                'new one is complete; with runner_type AttnUNetRunner set '
                "default_hooks.checkpoint.type='SafeCheckpointHook' (same arguments)"
            )
    if not training:
        return
    named = [_hook_class(hook) for hook in cfg.get('custom_hooks') or []]
    for guard, without in GUARDS.items():
        if not any(isinstance(found, type) and issubclass(found, guard) for found in named):
            print_log(
                f'custom_hooks has no {guard.__name__}: {without} '
                '(configs/_base_/default_runtime.py names it; keep it with '
                'custom_hooks = _base_.custom_hooks + [...])',
                logger='current',
                level=logging.WARNING,
            )
