"""Leaving a failing webhook endpoint alone for a while.

Every delivery has its own back-off, but a dead endpoint with a thousand due deliveries would
still be tried a thousand times per back-off period. So the endpoint itself is paused once a
whole window of attempts (``window`` = the per-enterprise concurrency) failed in a row, for
``base * 2**(windows-1)`` seconds, capped; one success ends the pause and the count.
"""
from __future__ import annotations

from dataclasses import dataclass, field

PAUSE_CAP_S = 30.0


@dataclass
class EndpointPauses:
    window: int
    base_s: float
    cap_s: float = PAUSE_CAP_S
    _failures: dict[str, int] = field(default_factory=dict)
    _until: dict[str, float] = field(default_factory=dict)

    def answered(self, dxp_id: str) -> bool:
        """Record a success; ``True`` when the endpoint had been failing (it has recovered)."""
        self._until.pop(dxp_id, None)
        return self._failures.pop(dxp_id, None) is not None

    def failed(self, dxp_id: str, now: float) -> None:
        n = self._failures[dxp_id] = self._failures.get(dxp_id, 0) + 1
        windows = n // max(1, self.window)
        if windows:
            self._until[dxp_id] = now + min(self.cap_s, self.base_s * 2 ** (windows - 1))

    def paused(self, now: float) -> list[str]:
        return [dxp for dxp, until in self._until.items() if until > now]
