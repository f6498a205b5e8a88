"""tests/distributed.py: a hung rank fails its test instead of stalling the suite."""

import time

import pytest

from tests.helpers.distributed import spawn_ranks


def _sleep_forever(rank: int, seconds: float) -> None:
    time.sleep(seconds)


def test_a_hung_rank_fails_within_the_timeout():
    start = time.monotonic()
    with pytest.raises(pytest.fail.Exception, match=r'ranks \[0, 1\] of 2 did not finish'):
        spawn_ranks(_sleep_forever, args=(600,), timeout_s=5)
    assert time.monotonic() - start < 60


def test_ranks_that_finish_pass():
    spawn_ranks(_sleep_forever, args=(0,), timeout_s=60)
