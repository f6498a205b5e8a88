"""Run a tool script as users do: ``python3 tools/...`` in a subprocess."""

import os
import runpy
import subprocess
import sys

from .tiny_setup import REPO


def run_tool(script: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONWARNINGS='ignore', OMP_NUM_THREADS='1')
    return subprocess.run(
        [sys.executable, os.path.join(REPO, script), *map(str, args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    """Exit code 2, a single 'error: ...' line naming the problem, no traceback."""
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert 'Traceback' not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith('error: ')]
    assert len(errors) == 1, proc.stderr[-2000:]
    for fragment in fragments:
        assert fragment in errors[0]


def run_tool_in_process(script: str, *args: str) -> int:
    """Call the script's ``main`` through ``run_cli`` (its ``__main__`` path); exit code."""
    from attn_unet.engine import run_cli

    namespace = runpy.run_path(os.path.join(REPO, script), run_name='tool_under_test')
    argv = sys.argv
    sys.argv = [script, *map(str, args)]
    try:
        run_cli(namespace['main'])
    except SystemExit as exit_:
        return exit_.code
    finally:
        sys.argv = argv
    return 0


def assert_one_line_error_in_process(code: int, capsys, *fragments: str) -> None:
    """Same contract as :func:`assert_one_line_error` for :func:`run_tool_in_process`."""
    err = capsys.readouterr().err
    assert code == 2, err[-2000:]
    errors = [line for line in err.splitlines() if line.startswith('error: ')]
    assert len(errors) == 1 and 'Traceback' not in err, err[-2000:]
    for fragment in fragments:
        assert fragment in errors[0]
