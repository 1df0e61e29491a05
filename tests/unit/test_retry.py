"""The services' loops back off on transient failures and give up after a bound."""
import sys

import pytest

from shared.retry import TransientRetry


async def test_waits_double_up_to_the_cap_and_the_limit_th_failure_in_a_row_is_raised():
    retry = TransientRetry("test", limit=4, base_s=0.001, cap_s=0.003)
    waits = []
    for _ in range(3):
        await retry.back_off(ConnectionError("db away"))
        waits.append(retry.delay())
    assert waits == [0.002, 0.003, 0.003]
    with pytest.raises(ConnectionError, match="db away"):
        await retry.back_off(ConnectionError("db away"))


def test_a_success_starts_the_count_again():
    retry = TransientRetry("test", limit=2)
    retry.failed(OSError("once"))
    retry.succeeded()
    retry.failed(OSError("once more"))  # not the second in a row
    with pytest.raises(OSError):
        retry.failed(OSError("twice in a row"))


def test_a_loop_that_never_gives_up_still_waits_the_cap_after_thousands_of_failures():
    # the relay retries with limit sys.maxsize: its 1,025th failure in a row overflowed 2.0**n and
    # ended the relay task (seen when the broker held records it could not decode)
    retry = TransientRetry("relay", sys.maxsize, base_s=0.2, cap_s=5.0)
    retry.failures = 5000
    assert retry.delay() == 5.0
