"""The one-line error of a data file or generator argument that cannot make a dataset."""

from attn_unet.engine.errors import ToolError

__all__ = ['DatasetError']


class DatasetError(ToolError, ValueError):
    """A data file that cannot be converted, or a generator argument out of range.

    A :class:`~attn_unet.engine.errors.ToolError`, so ``run_cli`` prints it as
    one ``error:`` line; a ValueError for callers that catch that.
    """
