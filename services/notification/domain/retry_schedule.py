"""When a failed webhook delivery is tried again: exponential back-off with full jitter, bounded.

Attempt ``n`` (1-based) that failed is followed, if ``n < max_attempts``, by a wait drawn
uniformly from ``[0, min(cap, base * 2**(n-1))]`` ("full jitter": retries of many deliveries that
failed together spread out instead of hammering the endpoint in waves). After ``max_attempts``
failures the delivery is parked.
"""
from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetrySchedule:
    base_s: float = 1.0
    cap_s: float = 900.0
    max_attempts: int = 20

    def ceiling(self, attempts: int) -> float:
        """The longest wait after the ``attempts``-th failure."""
        return float(min(self.cap_s, self.base_s * 2 ** max(0, attempts - 1)))

    def delay_after(self, attempts: int, rng: random.Random | None = None) -> float | None:
        """Seconds to wait after ``attempts`` failed attempts, or ``None``: park the delivery."""
        if attempts >= self.max_attempts:
            return None
        return (rng or random).uniform(0.0, self.ceiling(attempts))
