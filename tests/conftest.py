"""Fixtures for the whole suite."""

import pytest
from mmengine.logging import MMLogger


@pytest.fixture(autouse=True)
def _fresh_mmengine_loggers():
    """Drop mmengine's loggers after each test.

    A logger made while pytest captured output keeps writing to that capture
    stream after it is closed, and the next test's log lines then end in
    logging's own error report instead of on its stderr.
    """
    yield
    MMLogger._instance_dict.clear()
