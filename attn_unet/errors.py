"""The errors a command-line tool reports in one line: the root of the package.

Every bad input the project can name (a missing folder, a size the model
cannot take, an unknown config key, a damaged checkpoint, a busy work dir)
raises a :class:`ToolError` subclass whose message names the problem and the
fix. ``attn_unet.apis.run_cli`` prints such an error as one ``error: ...``
line and exits with :data:`EXIT_CODE`. This module imports nothing of the
package, so every room can raise these errors without an arrow back up.
"""

import errno

__all__ = [
    'EXIT_CODE',
    'CheckpointError',
    'ConfigKeyError',
    'ConfigValueError',
    'DataIntegrityError',
    'DatasetError',
    'DatasetLayoutError',
    'DependencyError',
    'InputSizeError',
    'PathKindError',
    'PreviousRunError',
    'ToolError',
    'TrainingDivergedError',
    'VolumeError',
    'WorkDirBusyError',
    'disk_full_reason',
    'disk_full_error',
]

EXIT_CODE = 2

_DISK_FULL = {errno.ENOSPC: 'disk full', errno.EDQUOT: 'disk quota exceeded'}


class ToolError(Exception):
    """Bad input a tool reports in one line naming the problem and the fix.

    Raised in a data loader worker (a label check in the pipeline, say), it reaches the
    main process as torch re-raises it: the same type, its message behind the worker's
    traceback. ``str()`` gives the worker's message alone, so the tool's one line is the
    same wherever the error was raised.
    """

    def __str__(self) -> str:
        text = super().__str__()
        if not text.startswith('Caught ') or 'DataLoader worker process' not in text:
            return text
        marker = f'{type(self).__module__}.{type(self).__qualname__}: '
        return text.rpartition(marker)[2].strip() if marker in text else text


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
    """A checkpoint that is missing, corrupt, truncated or does not fit the model."""


class DatasetError(ToolError, ValueError):
    """A data file that cannot be converted, or a generator argument out of range."""


class DatasetLayoutError(ToolError, FileNotFoundError):
    """A dataset folder that is missing or not in the layout the config expects."""


class DataIntegrityError(DatasetLayoutError):
    """A dataset file is missing, unreadable, of the wrong size or holds bad label ids."""


class VolumeError(DatasetError):
    """A scan (NIfTI, DICOM series, a case of channel files) that cannot be read as it must be:
    not readable, cut or damaged, a singular affine, files off one grid, non-finite voxels."""


class DependencyError(ToolError, ImportError):
    """An optional package that a tool needs (onnx, onnxruntime) is not installed."""


class WorkDirBusyError(ToolError):
    """Another run holds the work dir's lock."""


class PreviousRunError(ToolError):
    """A fresh training run into a work dir that holds another run's checkpoints."""


class PathKindError(ToolError):
    """A path of the wrong kind: a file where a folder is due, or the reverse."""


class TrainingDivergedError(ToolError):
    """The loss or the weights stopped being finite numbers."""


def disk_full_reason(exc: BaseException) -> str | None:
    """``'disk full'`` / ``'disk quota exceeded'`` for such an OSError, else None."""
    return _DISK_FULL.get(getattr(exc, 'errno', None)) if isinstance(exc, OSError) else None


def disk_full_error(exc: OSError, what: str) -> ToolError:
    """The one-line error of a full disk while writing ``what`` (a file, named)."""
    return ToolError(
        f'{disk_full_reason(exc) or "disk full"} while writing {what}: free space on that '
        'disk or pass another --work-dir (finished checkpoints are intact; continue with '
        '--resume)'
    )
