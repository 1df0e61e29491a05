"""Per-sender fairness: each sender's messages enter the pipeline at most at its rate.

A token bucket per sender (DXP id): ``rate`` messages a second, up to ``burst`` at once. What a
sender sends beyond it waits in the gateway (``deferred_intake``) and is taken in turn, sender by
sender, as tokens come — so one flooding enterprise fills its own queue, not the pipeline the
others' receipts go through. A sender's messages all reach one partition (the Kafka key is its DXP
id), so one gateway instance holds its bucket.
"""
from __future__ import annotations

import time
from collections.abc import Callable


class SenderQuota:
    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(1.0, burst)
        self._clock = clock
        self._tokens: dict[str, tuple[float, float]] = {}  # sender -> (tokens, at)

    def _now_tokens(self, sender: str) -> float:
        now = self._clock()
        tokens, at = self._tokens.get(sender, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        self._tokens[sender] = (tokens, now)
        return tokens

    def available(self, sender: str) -> int:
        return int(self._now_tokens(sender))

    def take(self, sender: str, count: int = 1) -> bool:
        """Spend ``count`` tokens if there are; False (nothing spent) if not."""
        tokens = self._now_tokens(sender)
        if tokens < count:
            return False
        self._tokens[sender] = (tokens - count, self._clock())
        return True

    def forget_idle(self) -> None:
        """Drop the buckets that are full again (they hold nothing a new bucket would not)."""
        for sender in [s for s in self._tokens if self._now_tokens(s) >= self.burst]:
            del self._tokens[sender]
