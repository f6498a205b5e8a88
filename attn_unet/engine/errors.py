"""One-line errors for the command-line tools.

Bad input (missing data, sizes the model cannot take, unknown config keys,
unreadable checkpoints) must end a tool run in a single ``error: ...`` line
naming the problem and the fix, not in a traceback from deep inside mmengine.
:func:`run_cli` wraps a tool's ``main`` and does that mapping; set
``ATTN_UNET_DEBUG=1`` to get the full traceback instead.
"""

import errno
import os
import re
import sys
from typing import Callable

__all__ = [
    'CheckpointError',
    'ConfigKeyError',
    'ConfigValueError',
    'InputSizeError',
    'ToolError',
    'format_tool_error',
    'run_cli',
]

EXIT_CODE = 2
DEBUG_ENV = 'ATTN_UNET_DEBUG'


class ToolError(Exception):
    """Base class of the errors a tool reports in one line."""


class InputSizeError(ToolError, ValueError):
    """A crop or test size is not divisible by the backbone's downsample rate."""


class ConfigKeyError(ToolError, KeyError):
    """A config or ``--cfg-options`` key that nothing reads.

    Subclasses KeyError for callers that expect it, but prints its message
    plainly (KeyError's ``str`` quotes it).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ''


class ConfigValueError(ToolError, ValueError):
    """A config or ``--cfg-options`` value of the wrong kind."""


class CheckpointError(ToolError, FileNotFoundError):
    """A checkpoint that is missing, corrupt or truncated."""


_UNWRITABLE = {
    errno.EACCES: 'permission denied',
    errno.EPERM: 'operation not permitted',
    errno.EROFS: 'read-only file system',
}
_DISK_FULL = {errno.ENOSPC: 'disk full', errno.EDQUOT: 'disk quota exceeded'}
_UNEXPECTED_KWARG = re.compile(r"unexpected keyword argument '(\w+)'")
_DIVISIBLE = re.compile(r'input image size \((\d+), ?(\d+)\).*downsample rate (\d+)', re.S)


def format_tool_error(exc: BaseException) -> str | None:
    """The one-line message for a known bad-input exception, else None."""
    from attn_unet.datasets import DatasetLayoutError

    if isinstance(exc, (ToolError, DatasetLayoutError)):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in {**_UNWRITABLE, **_DISK_FULL}:
        return _os_error_line(exc)
    text = str(exc)
    if isinstance(exc, TypeError) and 'unknown argument' in text:
        return text
    if isinstance(exc, TypeError):
        match = _UNEXPECTED_KWARG.search(text)
        if match:
            owner = text.split(':')[0] if text.startswith('class') else 'a config entry'
            return (
                f'unknown config key {match.group(1)!r} in {owner}: check the spelling in the '
                'config or --cfg-options'
            )
    if isinstance(exc, KeyError) and 'registry' in text:
        return f'{text.strip(chr(34) + chr(39))}: check the type name in the config'
    if isinstance(exc, AssertionError):
        match = _DIVISIBLE.search(text)
        if match:
            h, w, rate = match.groups()
            return (
                f'input size {h}x{w} is not divisible by the backbone downsample rate {rate}: '
                f'use crop / test sizes that are multiples of {rate}'
            )
    return None


def _os_error_line(exc: OSError) -> str:
    where = exc.filename or 'the work dir'
    if exc.errno in _DISK_FULL:
        return (
            f'{_DISK_FULL[exc.errno]} while writing {where}: free space on that disk or pass '
            'another --work-dir (finished checkpoints are intact; continue with --resume)'
        )
    return (
        f'cannot write {where} ({_UNWRITABLE[exc.errno]}): pass a writable --work-dir '
        '(or --out / --show-dir)'
    )


def run_cli(main: Callable[[], object]) -> None:
    """Run a tool's ``main``; known bad input exits with code 2 and one line.

    Args:
        main: the tool's entry point, called without arguments.
    """
    try:
        main()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        message = format_tool_error(exc)
        if message is None or os.environ.get(DEBUG_ENV, '') not in ('', '0'):
            raise
        print(f'error: {" ".join(message.split())}', file=sys.stderr)
        sys.exit(EXIT_CODE)
