"""Fixtures for the whole suite; the shared data and model fixtures live in ``tests/helpers``."""

import os
import sys
from pathlib import Path

import pytest
from mmengine.logging import MMLogger

pytest_plugins = [
    'tests.helpers.browser',
    'tests.helpers.data_fixtures',
    'tests.helpers.decathlon_runs',
    'tests.helpers.predict_fixtures',
    'tests.helpers.tiny_setup',
]

# The benchmark scripts import their harness, benchmarks/attn_vs_unet, as a sibling.
BENCHMARKS = str(Path(__file__).resolve().parents[1] / 'benchmarks')
if BENCHMARKS not in sys.path:
    sys.path.insert(0, BENCHMARKS)


@pytest.fixture(autouse=True, scope='session')
def _data_check_cache(tmp_path_factory):
    """Keep the data check's cache (and the tools the tests start) out of ~/.cache."""
    os.environ.setdefault('ATTN_UNET_CACHE_DIR', str(tmp_path_factory.mktemp('data_check')))


@pytest.fixture(autouse=True)
def _fresh_mmengine_loggers():
    """Drop mmengine's loggers after each test.

    A logger made while pytest captured output keeps writing to that capture
    stream after it is closed, and the next test's log lines then end in
    logging's own error report instead of on its stderr.
    """
    yield
    MMLogger._instance_dict.clear()


@pytest.fixture(autouse=True)
def _torch_threads_restored():
    """Give the next test the thread count this one started with.

    The benchmark scripts set ``torch.set_num_threads`` when a test runs them in this
    process; a later test would compute with another thread count, and bf16 results
    (summed in another order) would differ from a run of that test alone.
    """
    import torch

    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)
