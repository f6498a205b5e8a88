"""One-line errors for the command-line tools: ``error: ...`` on stderr, exit code 2."""

import sys
from collections.abc import Callable, Sequence

__all__ = ['ToolError', 'run_tool']


class ToolError(Exception):
    """A user-fixable problem; its message names the problem and the fix."""


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
