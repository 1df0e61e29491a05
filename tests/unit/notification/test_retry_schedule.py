import random

from services.notification.domain.retry_schedule import RetrySchedule


def test_full_jitter_stays_under_an_exponential_ceiling_with_a_cap():
    s = RetrySchedule(base_s=1.0, cap_s=30.0, max_attempts=10)
    assert [s.ceiling(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    rng = random.Random(7)
    for attempts in range(1, 10):
        delays = [s.delay_after(attempts, rng) for _ in range(200)]
        assert all(0 <= d <= s.ceiling(attempts) for d in delays)
        assert max(delays) > 0.5 * s.ceiling(attempts)  # spread over the whole window


def test_parks_after_the_last_attempt():
    s = RetrySchedule(base_s=1.0, cap_s=30.0, max_attempts=3)
    assert s.delay_after(2) is not None
    assert s.delay_after(3) is None
