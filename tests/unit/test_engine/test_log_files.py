"""stop_on_log_write_errors: a failed log-file write raises, naming the file; nothing else does."""

import errno
import logging

import pytest

from attn_unet.engine.log_files import stop_on_log_write_errors


class _Failing:
    def __init__(self, code: int) -> None:
        self.code = code

    def write(self, text: str) -> int:
        raise OSError(self.code, 'injected')

    def flush(self) -> None:
        pass


@pytest.fixture
def file_logger(tmp_path):
    logger = logging.getLogger(f'attn_unet_test_{tmp_path.name}')
    handler = logging.FileHandler(tmp_path / 'run.log', delay=True)
    logger.addHandler(handler)
    yield logger, handler
    logger.removeHandler(handler)
    handler.close()


@pytest.mark.parametrize('code', [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO])
def test_failed_write_raises_with_the_log_file_named(file_logger, code):
    logger, handler = file_logger
    stop_on_log_write_errors(logger)
    handler.stream = _Failing(code)
    with pytest.raises(OSError) as caught:
        logger.warning('iteration 3')
    assert caught.value.errno == code
    assert caught.value.filename == handler.baseFilename


def test_without_the_guard_logging_swallows_the_error(file_logger, capsys):
    logger, handler = file_logger
    handler.stream = _Failing(errno.ENOSPC)
    logger.warning('iteration 3')  # no exception: logging prints its report and goes on
    assert '--- Logging error ---' in capsys.readouterr().err


def test_other_errors_keep_loggings_own_report(file_logger, capsys):
    logger, handler = file_logger
    stop_on_log_write_errors(logger)
    try:
        raise TypeError('a bad format string, not a write')
    except TypeError:
        handler.handleError(logging.makeLogRecord({'msg': 'iteration 3'}))  # does not raise
    assert '--- Logging error ---' in capsys.readouterr().err
