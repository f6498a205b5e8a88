"""Checks of ``--cfg-options`` before they are merged: keys nothing reads, values of the wrong kind.

mmengine merges any key and any value; a typo (``train_cfgg.max_iters=2``) is then
ignored silently, and ``train_cfg.max_iters=abc`` fails deep inside a build. These
checks name the key and the fix in one line.
"""

import difflib
import inspect
from typing import Any

from mmengine.runner import Runner

from attn_unet.errors import ConfigKeyError, ConfigValueError

__all__ = ['EXTRA_TOP_LEVEL_KEYS', 'check_cfg_option_keys', 'check_cfg_option_types']

# Top-level keys a runner or the tools read although no _base_ file sets them.
EXTRA_TOP_LEVEL_KEYS = (
    'runner_type',
    'model_memory_format',
    'launcher',
    'work_dir',
    'sync_bn',
    'data_check',
    'compile',  # mmengine's Runner reads cfg.compile for torch.compile
    'cpu_sync_bn',
    'overwrite',  # AttnUNetRunner: a fresh run may replace the one in the work dir
)


def _known_top_level_keys(cfg) -> set:
    runner_args = set(inspect.signature(Runner.__init__).parameters) - {'self'}
    return set(cfg.keys()) | runner_args | set(EXTRA_TOP_LEVEL_KEYS)


def check_cfg_option_keys(cfg, options: dict | None) -> None:
    """Refuse ``--cfg-options`` whose top-level key nothing reads.

    Call before merging ``options`` into ``cfg``. Nested keys are checked
    later, when the module they configure is built.

    Raises:
        ConfigKeyError: naming the key and the closest known one.
    """
    known = _known_top_level_keys(cfg)
    for key in options or {}:
        top = key.split('.')[0]
        if top not in known:
            close = difflib.get_close_matches(top, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ''
            raise ConfigKeyError(
                f'unknown config key {top!r} in --cfg-options{hint}: nothing reads it; '
                'fix the spelling'
            )


_MISSING = object()


def _lookup(cfg, dotted_key: str) -> Any:
    value = cfg
    for part in dotted_key.split('.'):
        if hasattr(value, 'keys') and part in value:
            value = value[part]
        elif isinstance(value, (list, tuple)) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _kind(value) -> str | None:
    if value is None:
        return None
    for kind, types in (
        ('true/false', bool),
        ('whole number', int),
        ('number', float),
        ('string', str),
        ('list or tuple', (list, tuple)),
        ('dict', dict),
    ):
        if isinstance(value, types):
            return kind
    return type(value).__name__


def _fits(old_kind: str, new_kind: str) -> bool:
    return old_kind == new_kind or (old_kind == 'number' and new_kind == 'whole number')


def check_cfg_option_types(cfg, options: dict | None) -> None:
    """Refuse ``--cfg-options`` values of another kind than the config's value.

    ``train_cfg.max_iters=abc`` (a string for a whole number) or
    ``model.backbone.attention_stages=True`` (true/false for a tuple) would
    otherwise fail deep inside a build. Keys the config does not set, and
    ``None`` on either side, are not judged. Call before merging.

    Raises:
        ConfigValueError: naming the key, both kinds and an example.
    """
    for key, value in (options or {}).items():
        old = _lookup(cfg, key)
        if old is _MISSING:
            continue
        old_kind, new_kind = _kind(old), _kind(value)
        if old_kind is None or new_kind is None or _fits(old_kind, new_kind):
            continue
        raise ConfigValueError(
            f'--cfg-options {key}={value!r}: the config holds a {old_kind} there, this is a '
            f'{new_kind}; give a {old_kind}, e.g. {key}={old!r}'
        )
