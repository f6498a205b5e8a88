"""One-line errors for the command-line tools: ``error: ...`` on stderr, exit code 2."""

import sys
from collections.abc import Callable, Sequence

from attn_unet.engine.errors import ToolError

__all__ = ['ToolError', 'run_tool']


def run_tool(
    main: Callable[[Sequence[str] | None], object], argv: Sequence[str] | None = None
) -> int:
    """Run a tool's ``main(argv)``; a :class:`ToolError` becomes one stderr line and 2."""
    try:
        main(argv)
    except ToolError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    return 0
