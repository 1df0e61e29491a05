"""Per-sender fairness: the senders take turns, and each sender's messages enter the pipeline at
most at its rate.

- **Turns** (deficit round robin, the quantum): of each round over the deferred senders, one
  sender has at most ``quantum`` messages worked on; of one consumer batch, its quantum or up to
  twice as many as the others together (``turns``); what it sent beyond waits in the gateway (``deferred_intake``) and is taken in turn, sender by sender — so a
  flooding enterprise's backlog is worked off in slices between the others' messages.
- **Rate** (a token bucket per sender, DXP id): ``rate`` messages a second, up to ``burst`` at
  once; ``rate`` 0 takes turns without a rate. The bucket is held in PostgreSQL
  (``adapters/sender_tokens.py``), shared by every gateway instance, and spent in the transaction
  that works the messages (a batch that rolls back spends nothing).

``quantum`` 0 switches both off (every message is worked on as it comes).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

# where the gateway reads its senders' own topics, a turn is read in this many batches
TURN_SLICES = 4


@dataclass(frozen=True)
class SenderQuota:
    rate: float  # tokens a second; 0: no rate limit, turns only
    burst: float
    quantum: int = 20
    clock: Callable[[], float] = field(default=time.time, compare=False)  # seconds, the same on every instance

    @property
    def limited(self) -> bool:
        return self.rate > 0

    def refill(self, tokens: float, at: float, now: float) -> float:
        """A bucket that held ``tokens`` at ``at``, at ``now``."""
        return min(max(1.0, self.burst), tokens + max(0.0, now - at) * self.rate)

    def grant(self, tokens: float, wanted: int) -> int:
        return max(0, min(wanted, int(tokens)))

    def turns(self, counts: dict[str, int], waiting: int = 0) -> dict[str, int]:
        """How many of each sender's messages of one batch (``counts``) are worked on in it, the
        tokens aside: its quantum, or up to twice as many as the others together (those of the
        batch, and a quantum for each of the ``waiting`` senders whose messages are deferred),
        all it sent when it is alone. So a flood gets a turn beside a few lists, while senders of
        like volume (one sending half as much again as another, as a seller sends its orders and
        payments beside a carrier's waybills) share a batch whole, never cut to a quantum a
        sender with the rest written out, read back and worked in rounds."""
        total = sum(counts.values()) + waiting * self.quantum
        return {s: n if total == n else min(n, max(self.quantum, 2 * (total - n))) for s, n in counts.items()}

    def turn(self, tokens: float) -> int:
        """How many of a sender's messages one batch reads with ``tokens`` in its bucket: a slice of
        a turn (``quantum / TURN_SLICES``: the batch its turn shares with the others' messages stays
        short) while the bucket holds a whole turn (the quantum, or the burst if smaller), else
        none yet — not a trickle of one or two."""
        share = max(1, self.quantum // TURN_SLICES)
        if not self.limited:
            return share
        whole = min(self.quantum, int(max(1.0, self.burst)))
        return min(share, int(tokens)) if tokens >= whole else 0
