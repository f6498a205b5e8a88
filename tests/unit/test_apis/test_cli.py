"""run_cli maps known bad input to one ``error:`` line and exit code 2."""

import errno

import pytest

from attn_unet.apis import format_tool_error, run_cli
from attn_unet.errors import CheckpointError, DatasetLayoutError


@pytest.mark.parametrize(
    'exc, expected',
    [
        (CheckpointError('ckpt x.pth is corrupt'), 'ckpt x.pth is corrupt'),
        (DatasetLayoutError('data root data/x does not exist'), 'data root data/x does not exist'),
        (
            TypeError(
                'class `FCNHead` in mmseg/x.py: __init__() got an unexpected keyword argument '
                "'chanels'"
            ),
            "unknown config key 'chanels' in class `FCNHead`",
        ),
        (KeyError('Foo is not in the mmseg::model registry'), 'Foo is not in the mmseg::model'),
        (
            AssertionError(
                'The input image size (60, 128) should be divisible by the whole downsample '
                'rate 8, when num_stages is 4'
            ),
            'input size 60x128',
        ),
        (
            PermissionError(errno.EACCES, 'Permission denied', '/ro/work'),
            'cannot write /ro/work (permission denied): pass a writable --work-dir',
        ),
        (
            OSError(errno.EROFS, 'Read-only file system', '/ro/work'),
            'cannot write /ro/work (read-only file system)',
        ),
        (
            OSError(errno.ENOSPC, 'No space left on device', '/w/x.json'),
            'disk full while writing /w/x.json: free space',
        ),
        (OSError(errno.ENOENT, 'No such file', '/x'), None),
        (RuntimeError('something else'), None),
    ],
)
def test_format_tool_error(exc, expected):
    message = format_tool_error(exc)
    if expected is None:
        assert message is None
    else:
        assert expected in message


def test_run_cli_one_line_and_exit_code(capsys):
    def main():
        raise CheckpointError('checkpoint a.pth is corrupt\nsecond line')

    with pytest.raises(SystemExit) as info:
        run_cli(main)
    assert info.value.code == 2
    assert capsys.readouterr().err == 'error: checkpoint a.pth is corrupt second line\n'


def test_run_cli_debug_and_unknown_errors_raise(monkeypatch):
    def main():
        raise CheckpointError('bad')

    monkeypatch.setenv('ATTN_UNET_DEBUG', '1')
    with pytest.raises(CheckpointError):
        run_cli(main)
    with pytest.raises(RuntimeError):
        run_cli(lambda: (_ for _ in ()).throw(RuntimeError('bug')))


def test_run_cli_ctrl_c_one_line_exit_130_and_later_signals_ignored(capsys, monkeypatch):
    import signal

    def main():
        raise KeyboardInterrupt

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD)}
    try:
        with pytest.raises(SystemExit) as info:
            run_cli(main)
        assert info.value.code == 130
        assert capsys.readouterr().err.startswith('stopped: interrupted (Ctrl-C)')
        # on the way out a second Ctrl-C or SIGTERM is ignored, not a traceback
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _call_with(**kwargs):
    def takes_nothing():
        pass

    takes_nothing(**kwargs)


def test_an_unexpected_keyword_is_a_config_key_only_when_a_config_built_it():
    from mmengine.registry import Registry

    try:
        _call_with(chanels=4)  # a programming error: its traceback must stay
    except TypeError as exc:
        assert format_tool_error(exc) is None
    registry = Registry('probe')

    @registry.register_module()
    class Head:
        def __init__(self, channels=1):
            self.channels = channels

    try:
        registry.build(dict(type='Head', chanels=4))
    except TypeError as exc:
        assert "unknown config key 'chanels'" in format_tool_error(exc)


PREDICT = dict(
    outputs='the --out-dir',
    option='--out-dir',
    writable='--out-dir',
    kept='the predictions finished before it are complete',
    rerun='rerun with --overwrite',
)


@pytest.mark.parametrize(
    'exc, expected',
    [
        (
            OSError(errno.ENOSPC, 'No space left on device', 'seg/case7.nii.gz'),
            'disk full while writing seg/case7.nii.gz: free space on that disk or pass another '
            '--out-dir (the predictions finished before it are complete; rerun with --overwrite)',
        ),
        (OSError(errno.ENOSPC, 'No space left on device'), 'disk full while writing the --out-dir'),
        (
            OSError(errno.EROFS, 'Read-only file system', 'seg/case7.json'),
            'cannot write seg/case7.json (read-only file system): pass a writable --out-dir',
        ),
    ],
)
def test_a_tool_names_its_own_outputs_and_options(exc, expected):
    from attn_unet.apis.cli import ToolWording

    message = format_tool_error(exc, ToolWording(**PREDICT))
    assert message.startswith(expected)
    assert 'checkpoint' not in message and '--work-dir' not in message


@pytest.mark.parametrize('stop', ['sigterm', 'ctrl-c'])
def test_a_stop_line_says_what_the_tool_keeps(stop, capsys):
    import signal

    from attn_unet.apis.cli import ToolWording, _Terminated

    def main():
        raise _Terminated() if stop == 'sigterm' else KeyboardInterrupt

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD)}
    try:
        with pytest.raises(SystemExit) as info:
            run_cli(main, ToolWording(**PREDICT))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    closing = {'sigterm': ('terminated (SIGTERM)', 143), 'ctrl-c': ('interrupted (Ctrl-C)', 130)}
    words, code = closing[stop]
    assert info.value.code == code
    assert capsys.readouterr().err == (
        f'stopped: {words}; the predictions finished before it are complete\n'
    )
