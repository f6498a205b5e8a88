"""A log file that cannot be written stops the run, in one line, instead of flooding stderr.

Python's logging handlers swallow their own write errors: ``Handler.handleError`` prints
``--- Logging error ---`` and a traceback for every record, and training goes on while the log
silently ends. On a full disk that means pages of tracebacks until a checkpoint write fails.
Here the first failed write to a log file raises its ``OSError``, naming the file, so the run
stops where it is and the tool prints one line (:func:`attn_unet.apis.run_cli`).
"""

import logging
import sys

__all__ = ['stop_on_log_write_errors']


def stop_on_log_write_errors(logger: logging.Logger) -> None:
    """Make each file handler of ``logger`` raise the ``OSError`` of a failed write.

    Other errors (a bad format string, say) keep logging's own report.

    Args:
        logger: The run's logger (mmengine's ``MMLogger``); handlers added later are not
            covered.
    """
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler):
            handler.handleError = _raise_os_errors(handler)


def _raise_os_errors(handler: logging.FileHandler):
    report = handler.handleError

    def handle_error(record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError) and error.errno is not None:
            raise OSError(error.errno, error.strerror, handler.baseFilename) from error
        report(record)

    return handle_error
