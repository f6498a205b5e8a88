"""The words every volume message shares: a library's reason in one short line, a damaged file.

The messages name the file and the fix and fit any modality (a scan, a series, a label; CT,
MR or another): none tells an MR user to pass a CT volume.
"""

from attn_unet.errors import VolumeError

__all__ = ['damaged', 'short_reason']

REASON_LENGTH = 120


def short_reason(exc: BaseException, limit: int = REASON_LENGTH) -> str:
    """``exc``'s message on one line, at most ``limit`` characters (its type when it has none)."""
    return ' '.join(str(exc).split())[:limit] or type(exc).__name__


def damaged(path: str, reason: str) -> VolumeError:
    """The one-line error of a file that is cut short or whose data cannot be decoded."""
    return VolumeError(f'{path} is truncated or damaged ({reason}): copy or export it again')
