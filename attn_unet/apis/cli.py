"""The wrapper every tool's ``main`` runs in: known bad input ends in one line, exit code 2.

Bad input (missing data, sizes the model cannot take, unknown config keys,
unreadable checkpoints) must end a tool run in a single ``error: ...`` line
naming the problem and the fix, not in a traceback from deep inside mmengine.
:func:`run_cli` does that mapping; set ``ATTN_UNET_DEBUG=1`` to get the full
traceback instead. Ctrl-C and SIGTERM end in one closing line too. Each tool
names its own outputs and options in those lines (:class:`ToolWording`): a
training run speaks of its work dir and checkpoints, ``predict.py`` of its
``--out-dir``, the ONNX export of its ``--out``.
"""

import errno
import os
import re
import signal
import sys
from dataclasses import dataclass
from typing import Callable

from attn_unet.errors import EXIT_CODE, ToolError, disk_full_reason

__all__ = ['DEBUG_ENV', 'TRAINING_WORDING', 'ToolWording', 'format_tool_error', 'run_cli']

DEBUG_ENV = 'ATTN_UNET_DEBUG'
# What a shell reports for a process ended by these signals (128 + signal number).
INTERRUPTED_EXIT = 128 + signal.SIGINT
TERMINATED_EXIT = 128 + signal.SIGTERM

_UNWRITABLE = {
    errno.EACCES: 'permission denied',
    errno.EPERM: 'operation not permitted',
    errno.EROFS: 'read-only file system',
}
_UNEXPECTED_KWARG = re.compile(r"unexpected keyword argument '(\w+)'")
_DIVISIBLE = re.compile(r'input image size \((\d+), ?(\d+)\).*downsample rate (\d+)', re.S)
_TERMINAL_CODES = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')


@dataclass(frozen=True)
class ToolWording:
    """How a tool's closing lines name what it writes, where, and what a stop leaves.

    Attributes:
        outputs: what it writes, when an error does not name the file
            (``'the work dir'``).
        option: the option that says where, in "pass another ..." (``'--work-dir'``).
        writable: the options a read-only path is fixed with, in "pass a writable ...".
        kept: what holds after a full disk, Ctrl-C or SIGTERM (``'finished checkpoints
            are intact'``).
        rerun: how to go on after freeing space (``'continue with --resume'``).
    """

    outputs: str
    option: str
    writable: str
    kept: str
    rerun: str


TRAINING_WORDING = ToolWording(
    outputs='the work dir',
    option='--work-dir',
    writable='--work-dir (or --out / --out-metrics / --show-dir)',
    kept='finished checkpoints are intact',
    rerun='continue with --resume',
)


def format_tool_error(exc: BaseException, wording: ToolWording = TRAINING_WORDING) -> str | None:
    """The one-line message for a known bad-input exception, else None.

    Args:
        exc: what the tool raised.
        wording: how the tool names its outputs (a full disk, an unwritable path).
    """
    if isinstance(exc, ToolError):
        return str(exc)
    if disk_full_reason(exc):
        return (
            f'{disk_full_reason(exc)} while writing {exc.filename or wording.outputs}: free '
            f'space on that disk or pass another {wording.option} ({wording.kept}; '
            f'{wording.rerun})'
        )
    if isinstance(exc, OSError) and exc.errno in _UNWRITABLE:
        return (
            f'cannot write {exc.filename or wording.outputs} ({_UNWRITABLE[exc.errno]}): pass a '
            f'writable {wording.writable}'
        )
    text = str(exc)
    if isinstance(exc, TypeError) and 'unknown argument' in text:
        return text
    if isinstance(exc, TypeError) and _built_from_config(exc):
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


def _built_from_config(exc: BaseException) -> bool:
    """Whether ``exc`` came out of mmengine's registry building an object from a config.

    Only then is an unexpected keyword argument a config key; elsewhere it is a bug, whose
    traceback must stay.
    """
    if str(exc).startswith('class `'):  # build_from_cfg prefixes the class it built
        return True
    frame = exc.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_name == 'build_from_cfg':
            return True
        frame = frame.tb_next
    return False


def _one_line(message: str) -> str:
    return ' '.join(_TERMINAL_CODES.sub('', message).split())


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that ``finally`` blocks run."""


def _terminate_handler(main_pid: int):
    def handler(signum, frame):
        if os.getpid() != main_pid:
            # A forked data loader worker (SIGTERM sent to the whole process group): torch's
            # worker loop ends quietly on KeyboardInterrupt, as on Ctrl-C; the main process
            # stops and says so.
            raise KeyboardInterrupt
        raise _Terminated()

    return handler


def _stop(line: str, code: int) -> None:
    """One closing line and the exit; a second Ctrl-C or SIGTERM on the way out is ignored.

    So is a data loader worker that the same signal ended: torch's SIGCHLD handler would
    report it with a traceback while the interpreter shuts down.
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    print(line, file=sys.stderr)
    sys.exit(code)


def run_cli(main: Callable[[], object], wording: ToolWording = TRAINING_WORDING) -> None:
    """Run a tool's ``main``; known bad input exits with code 2 and one line.

    Ctrl-C exits with 130 and SIGTERM with 143, each after one ``stopped: ...``
    line; what the tool wrote completely (checkpoints) stays, and it cleans up
    on the way out like on any other error. A second signal while it cleans up
    ends it the same way; one after the closing line is ignored.

    Args:
        main: the tool's entry point, called without arguments.
        wording: how the closing lines name the tool's outputs; the default is
            the training tools'.
    """
    debug = os.environ.get(DEBUG_ENV, '') not in ('', '0')
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate_handler(os.getpid()))
    try:
        main()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        if debug:
            raise
        _stop(f'stopped: interrupted (Ctrl-C); {wording.kept}', INTERRUPTED_EXIT)
    except _Terminated:
        _stop(f'stopped: terminated (SIGTERM); {wording.kept}', TERMINATED_EXIT)
    except Exception as exc:
        message = format_tool_error(exc, wording)
        if message is None or debug:
            raise
        print(f'error: {_one_line(message)}', file=sys.stderr)
        sys.exit(EXIT_CODE)
