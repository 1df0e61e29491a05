"""The state of a service's pipes — consumer lag, outbox, relay — and whether it is ready.

Read when asked (``GET /health/ready``, ``GET /metrics``, the console's pipes page), at most once
a second: a consumer's lag per partition is its last stable offset (what a ``read_committed``
reader can reach) minus its position, both as the consumer last heard from the broker; the outbox
depth, its oldest row's age and the parked rows come from the service's database.

A service is **unready** when
- a consumer is *stuck*: records are waiting (lag > 0) and it has not committed a batch for
  ``CBEC_READY_STUCK_S`` seconds, or one batch has taken that long;
- a consumer *lags* by more than ``CBEC_READY_MAX_LAG`` records on one partition;
- the relay is *stuck*: the instance that publishes has made no round for ``CBEC_READY_STUCK_S``
  seconds, or the oldest outbox row is older than ``CBEC_READY_OUTBOX_AGE_S``;
- a check of the service's own says so (notification: the webhook dispatcher has stalled).
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from shared import metrics
from shared.config import Settings
from shared.db.outbox import backlog as outbox_backlog
from shared.kafka.instrumentation import progress_of

log = logging.getLogger(__name__)

REFRESH_S = 1.0


@dataclass(frozen=True)
class Thresholds:
    stuck_s: float = 60.0
    max_lag: int = 50_000
    outbox_age_s: float = 120.0

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        """``CBEC_READY_STUCK_S``, ``CBEC_READY_MAX_LAG``, ``CBEC_READY_OUTBOX_AGE_S``."""
        return cls(stuck_s=settings.ready_stuck_s, max_lag=settings.ready_max_lag,
                   outbox_age_s=settings.ready_outbox_age_s)

    def as_dict(self) -> dict[str, Any]:
        return {"stuckSeconds": self.stuck_s, "maxLag": self.max_lag, "outboxAgeSeconds": self.outbox_age_s}


def partition_lag(kafka: Any) -> list[dict[str, Any]]:
    """Position, last stable offset and lag of each partition assigned to an aiokafka consumer
    (None where the consumer has not heard yet)."""
    out: list[dict[str, Any]] = []
    if kafka is None:
        return out
    try:
        assignment = kafka._subscription.subscription.assignment
        partitions = sorted(kafka.assignment(), key=lambda tp: (tp.topic, tp.partition))
    except AttributeError:  # no assignment yet (joining the group)
        return out
    for tp in partitions:
        try:
            state = assignment.state_value(tp)
        except (KeyError, AttributeError):
            continue
        position = state.position if state.has_valid_position else None
        end = state.lso if state.lso is not None and state.lso >= 0 else state.highwater
        lag = max(0, end - position) if position is not None and end is not None else None
        out.append({"topic": tp.topic, "partition": tp.partition, "position": position, "end": end, "lag": lag})
    return out


class Pipes:
    """What ``/health/ready`` and ``/metrics`` say about one service instance."""

    def __init__(self, service: str, consumers: list[Any], relay: Any, pool: Any, thresholds: Thresholds | None = None,
                 *, checks: list[Callable[[], Awaitable[dict[str, Any]]]] | None = None) -> None:
        self.service = service
        self.consumers = consumers  # shared.kafka.consumer.BatchConsumer (the list grows as they are made)
        self.relay = relay
        self.pool = pool
        self.thresholds = thresholds or Thresholds()
        self.checks = list(checks or [])  # a service's own: each answers {"ok": bool, "problems": [...], ...}
        self._last: dict[str, Any] | None = None
        self._at = 0.0
        self._lock = asyncio.Lock()
        metrics.watch_pipes(self.samples)

    async def snapshot(self) -> dict[str, Any]:
        async with self._lock:
            if self._last is None or time.monotonic() - self._at >= REFRESH_S:
                self._last = await self._read()
                self._at = time.monotonic()
            return self._last

    async def _read(self) -> dict[str, Any]:
        t = self.thresholds
        now = time.monotonic()
        problems: list[str] = []
        consumers: list[dict[str, Any]] = []
        for c in self.consumers:
            progress = progress_of(c)
            parts = partition_lag(c.kafka)
            lag = sum(p["lag"] or 0 for p in parts)
            since = now - progress.last_progress
            in_batch = now - progress.batch_started_at if progress.batch_started_at is not None else 0.0
            stuck = (lag > 0 and since > t.stuck_s) or in_batch > t.stuck_s
            lagging = any((p["lag"] or 0) > t.max_lag for p in parts)
            if stuck:
                problems.append(f"consumer {c.name} is stuck: {lag} records waiting, no progress for {since:.0f} s")
            if lagging:
                problems.append(f"consumer {c.name} lags more than {t.max_lag} records on a partition")
            consumers.append({"name": c.name, "assigned": bool(parts), "lag": lag, "partitions": parts,
                              "secondsSinceProgress": round(since, 1), "batchSeconds": round(in_batch, 1),
                              "stuck": stuck, "lagging": lagging, "processed": c.processed,
                              "deadLettered": c.dead_lettered})
        outbox = await self._outbox()
        relay = self.relay
        holder = bool(relay is not None and relay.holder)
        relay_since = now - relay.last_progress if relay is not None else 0.0
        relay_stuck = relay is not None and (relay_since > t.stuck_s or
                                             (holder and (outbox.get("oldestAgeSeconds") or 0) > t.outbox_age_s))
        if relay_stuck:
            problems.append(f"the relay is stuck: last round {relay_since:.0f} s ago, oldest outbox row "
                            f"{outbox.get('oldestAgeSeconds') or 0:.0f} s old")
        extra: dict[str, Any] = {}
        for check in self.checks:
            try:
                result = await check()
            except Exception as exc:
                result = {"ok": False, "problems": [f"{check.__name__}: {exc!r}"]}
            problems += result.pop("problems", [])
            result.pop("ok", None)
            extra.update(result)
        return {"ready": not problems, "service": self.service, "problems": problems,
                "thresholds": t.as_dict(), "consumers": consumers, "outbox": outbox,
                "relay": {"holder": holder, "secondsSinceRound": round(relay_since, 1), "stuck": relay_stuck,
                          "published": relay.published if relay else 0, "parked": relay.parked if relay else 0},
                **extra}

    async def _outbox(self) -> dict[str, Any]:
        if self.pool is None:
            return {}
        try:
            async with self.pool.acquire() as conn:
                rows, age, parked = await outbox_backlog(conn)
        except Exception as exc:
            log.warning("%s: the outbox could not be read: %r", self.service, exc)
            return {"error": repr(exc)[:200]}
        return {"rows": rows, "oldestAgeSeconds": round(age, 1), "parked": parked}

    def samples(self) -> list[metrics.Sample]:
        """The last snapshot as Prometheus samples (``shared.metrics.PIPE_METRICS``)."""
        s = self._last
        if s is None:
            return []
        out: list[metrics.Sample] = [("cbec_ready", {}, 1.0 if s["ready"] else 0.0)]
        for c in s["consumers"]:
            out.append(("cbec_consumer_seconds_since_progress", {"consumer": c["name"]}, c["secondsSinceProgress"]))
            out.append(("cbec_consumer_stuck", {"consumer": c["name"]}, 1.0 if c["stuck"] else 0.0))
            for p in c["partitions"]:
                if p["lag"] is not None:
                    out.append(("cbec_consumer_lag", {"consumer": c["name"], "topic": p["topic"],
                                                      "partition": str(p["partition"])}, p["lag"]))
        o = s["outbox"]
        if "rows" in o:
            out += [("cbec_outbox_rows", {}, o["rows"]), ("cbec_outbox_oldest_age_seconds", {}, o["oldestAgeSeconds"]),
                    ("cbec_outbox_parked_rows", {}, o["parked"])]
        r = s["relay"]
        out += [("cbec_relay_holder", {}, 1.0 if r["holder"] else 0.0),
                ("cbec_relay_seconds_since_round", {}, r["secondsSinceRound"]),
                ("cbec_relay_published_total", {}, r["published"]), ("cbec_relay_parked_total", {}, r["parked"])]
        w = s.get("webhooks")
        if w:
            for state in ("pending", "parked"):
                out.append(("cbec_webhook_deliveries", {"state": state}, w.get(state, 0)))
            out.append(("cbec_webhook_oldest_pending_age_seconds", {}, w.get("oldestPendingSeconds", 0)))
            for outcome, key in (("delivered", "delivered"), ("failed", "failedAttempts"), ("parked", "parkedNow")):
                out.append(("cbec_webhook_attempts_total", {"outcome": outcome}, w.get(key, 0)))
        return out
