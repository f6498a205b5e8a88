"""The one way the tests run a tool: as users do, or in this process; and what they assert.

:func:`run_tool` starts ``python3 tools/...`` (or a shell script) from the repository
root in a subprocess; :func:`start_tool` starts one in the background (for a signal or a
kill, with :func:`wait_for_file` to wait for a probe hook's marker);
:func:`run_tool_in_process` runs a script as ``__main__`` here, without the import cost.
Both runs return what :func:`assert_one_line_error` holds to the contract of bad input:
exit code 2, one ``error: ...`` line naming the problem, no traceback.
:func:`file_hashes` and :func:`tree_listing` show that a refused run wrote nothing.
"""

import hashlib
import os
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[2]
TOOL_TIMEOUT = 300


class ToolRun(NamedTuple):
    """What a tool run left: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def run_tool(*args, timeout: int = TOOL_TIMEOUT, env=None) -> subprocess.CompletedProcess:
    """Run ``args`` (a tool command line) from the repo root, capturing its output."""
    full_env = {**os.environ, 'PYTHONPATH': str(REPO), 'OMP_NUM_THREADS': '1', **(env or {})}
    full_env.pop('ATTN_UNET_DEBUG', None)
    cmd = [sys.executable, *args] if str(args[0]).endswith('.py') else list(args)
    return subprocess.run(
        [str(a) for a in cmd],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_tool(*args, env=None, new_session: bool = False) -> subprocess.Popen:
    """Start ``args`` (a tool command line) in the background; stderr is a text pipe.

    Args:
        new_session: start it as the leader of its own process group, so that a test
            can signal the group as a terminal's Ctrl-C (or ``docker stop``) does.
    """
    full_env = {**os.environ, 'PYTHONPATH': str(REPO), 'OMP_NUM_THREADS': '1', **(env or {})}
    full_env.pop('ATTN_UNET_DEBUG', None)
    cmd = [sys.executable, *args] if str(args[0]).endswith('.py') else list(args)
    return subprocess.Popen(
        [str(a) for a in cmd],
        cwd=REPO,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=new_session,
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    """Give the tool Ctrl-C's default disposition, as a terminal gives a command.

    A suite started in the background (``make test &``) inherits SIGINT ignored, and a
    Python started with SIGINT ignored never raises KeyboardInterrupt: the Ctrl-C tests
    would wait for a tool that cannot hear them.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_file(path: Path, process: subprocess.Popen, timeout: int = TOOL_TIMEOUT) -> None:
    """Wait until ``path`` exists; fail if ``process`` ends first or the time runs out."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.stderr.read()[-3000:]
        assert time.monotonic() < deadline, f'{path} never appeared'
        time.sleep(0.1)


def run_tool_in_process(script: str, *args, capsys, monkeypatch) -> ToolRun:
    """Run ``script`` as ``__main__`` in this process (no import cost).

    Returns:
        The exit code and what was printed. An exception the tool lets escape
        (it would print a traceback) propagates and fails the test.
    """
    monkeypatch.setattr(sys, 'argv', [script, *map(str, args)])
    monkeypatch.chdir(REPO)
    monkeypatch.delenv('ATTN_UNET_DEBUG', raising=False)
    capsys.readouterr()
    try:
        runpy.run_path(str(REPO / script), run_name='__main__')
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return ToolRun(code, out, err)


def assert_one_line_error(run, *fragments: str) -> None:
    """Exit code 2, a single 'error: ...' line naming the problem, no traceback.

    Args:
        run: a :class:`ToolRun` or ``subprocess.CompletedProcess``.
        *fragments: each must appear in the error line.
    """
    assert run.returncode == 2, run.stderr[-2000:]
    assert 'Traceback' not in run.stderr, run.stderr[-2000:]
    errors = [line for line in run.stderr.splitlines() if line.startswith('error: ')]
    assert len(errors) == 1, run.stderr[-2000:]
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


def tree_listing(folder: Path) -> dict:
    """``{relative path: sha256 or 'folder'}`` of everything under ``folder``, empty folders too."""
    listing = {str(p.relative_to(folder)): 'folder' for p in folder.rglob('*') if p.is_dir()}
    return {**listing, **file_hashes(folder)}


def file_hashes(folder: Path) -> dict:
    """``{relative path: sha256}`` of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob('*'))
        if p.is_file()
    }
