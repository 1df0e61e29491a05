"""The webhook dispatcher: POSTs due deliveries, retries with back-off, parks, never blocks Kafka.

It runs beside the consumers in the notification process and only reads and updates
``webhook_deliveries``; the Kafka path never waits for it. Each round it claims due deliveries
that are first in line for their business key, at most ``per_enterprise`` in flight per
enterprise and ``concurrency`` in all, and POSTs each in a task of its own bounded by the
timeout, so a slow or dead endpoint holds a few slots of its own enterprise and nothing else.
An endpoint that keeps failing is paused for a growing while (at most 30 s) so that a dead one
costs a few attempts per window, not one per due delivery; its first success makes its
backed-off deliveries due at once.

Webhook delivery is at least once: a process killed after the POST and before recording it sends
the receipt again when the lease runs out; ``X-CBEC-Receipt-Id`` lets the receiver drop it.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter

import asyncpg

from shared import tracing
from shared.kafka import headers as H
from shared.kafka.consumer import TRANSIENT
from shared.retry import TransientRetry
from shared.sealing import Sealer, SealingError

from ..adapters import webhook_store
from ..adapters.webhook_endpoint import PostOutcome, WebhookEndpoint
from ..domain import webhook_signature as sig
from ..domain.endpoint_pause import PAUSE_CAP_S, EndpointPauses
from ..domain.receipt_rendering import CONTENT_TYPES, ReceiptRenderer
from ..settings import WebhookSettings

log = logging.getLogger(__name__)

LEASE_MARGIN_S = 5.0
STALL_SECONDS = 60.0
SWEEP_S = 5.0
RENDER_FAILED = "cannot render receipt"


class WebhookDispatcher:
    def __init__(self, pool: asyncpg.Pool, settings: WebhookSettings, renderer: ReceiptRenderer,
                 endpoint: WebhookEndpoint, *, rng: random.Random | None = None, clock=time.time,
                 sealer: Sealer | None = None) -> None:
        self._pool = pool
        self._sealer = sealer or Sealer()
        self._settings = settings
        self._renderer = renderer
        self._endpoint = endpoint
        self._rng = rng or random.Random()
        self._clock = clock
        self._in_flight: Counter[str] = Counter()
        self._tasks: set[asyncio.Task] = set()
        self._failure: BaseException | None = None
        self._retry = TransientRetry("webhooks")
        self._pauses = EndpointPauses(settings.per_enterprise, settings.retry.base_s,
                                      min(PAUSE_CAP_S, settings.retry.cap_s))
        self._last_sweep = 0.0
        self._wake = asyncio.Event()
        self.delivered = 0
        self.failed_attempts = 0
        self.parked = 0
        self.last_progress = time.monotonic()

    def wake(self) -> None:
        self._wake.set()

    def stalled(self) -> bool:
        return time.monotonic() - self.last_progress > STALL_SECONDS

    def stats(self) -> dict:
        return {"in_flight": sum(self._in_flight.values()), "delivered": self.delivered,
                "failed_attempts": self.failed_attempts, "parked": self.parked,
                "endpoints_paused": len(self._pauses.paused(time.monotonic())),
                "seconds_since_round": round(time.monotonic() - self.last_progress, 1)}

    async def run(self) -> None:
        try:
            while True:
                if self._failure is not None:
                    raise self._failure
                try:
                    started = await self.dispatch_once()
                    if time.monotonic() - self._last_sweep > SWEEP_S:
                        async with self._pool.acquire() as conn:
                            await webhook_store.schedule_unblocked(conn)
                        self._last_sweep = time.monotonic()
                except TRANSIENT as exc:  # the database is away: back off, give up after a bound
                    await self._retry.back_off(exc)
                    continue
                self._retry.succeeded()
                self.last_progress = time.monotonic()
                if not started:
                    try:
                        await asyncio.wait_for(self._wake.wait(), self._settings.poll_s)
                    except TimeoutError:
                        pass
                    self._wake.clear()
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._endpoint.close()

    async def dispatch_once(self) -> int:
        """Claim what is due and can start now; start a task per delivery. Returns how many."""
        s = self._settings
        free = s.concurrency - sum(self._in_flight.values())
        if free <= 0:
            return 0
        now = time.monotonic()
        busy = [dxp for dxp, n in self._in_flight.items() if n >= s.per_enterprise]
        busy += self._pauses.paused(now)
        async with self._pool.acquire() as conn, conn.transaction():
            found = await webhook_store.candidates(conn, busy, s.per_enterprise, free)
            room = {dxp: s.per_enterprise - self._in_flight[dxp] for _, dxp in found}
            chosen = []
            for delivery_id, dxp in found:
                if room[dxp] > 0:
                    room[dxp] -= 1
                    chosen.append(delivery_id)
            due = await webhook_store.claim(conn, chosen, 2 * s.timeout_s + LEASE_MARGIN_S)
        for delivery in due:
            self._in_flight[delivery.dxp_id] += 1
            task = asyncio.create_task(self._attempt(delivery), name=f"webhook:{delivery.id}")
            self._tasks.add(task)
            task.add_done_callback(self._finished)
        return len(due)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        exc = None if task.cancelled() else task.exception()
        if exc is None:
            return
        if isinstance(exc, TRANSIENT):
            # the outcome could not be recorded: the lease ends and the delivery is tried again
            log.warning("webhooks: could not record an attempt: %r", exc)
            self._retry.failures += 1
        elif self._failure is None:
            self._failure = exc  # the run loop re-raises it: the process restarts
        self._wake.set()

    async def _attempt(self, d: webhook_store.DueDelivery) -> None:
        try:
            outcome = await self._post(d)
            await self._record(d, outcome)
        finally:
            self._in_flight[d.dxp_id] -= 1
            if self._in_flight[d.dxp_id] <= 0:
                del self._in_flight[d.dxp_id]
            self._wake.set()

    async def _post(self, d: webhook_store.DueDelivery) -> PostOutcome:
        try:
            body = self._renderer.receipt_body(d.message_type, d.receipt_id, d.fields, d.format, d.dxp_id)
        except Exception as exc:  # a receipt that cannot be rendered is parked at once, with the reason
            return PostOutcome(False, None, f"{RENDER_FAILED}: {type(exc).__name__}: {exc}")
        try:
            secret = self._sealer.open(d.secret)
        except SealingError as exc:  # an operator's mistake (the key): retried, visible in last_error
            return PostOutcome(False, None, str(exc))
        timestamp = str(int(self._clock()))
        headers = {
            "content-type": CONTENT_TYPES.get(d.format, "application/octet-stream"),
            sig.SIGNATURE_HEADER: sig.signature(secret, timestamp, body),
            sig.TIMESTAMP_HEADER: timestamp,
            sig.RECEIPT_ID_HEADER: d.receipt_id,
            sig.DELIVERY_ID_HEADER: str(d.id),
            sig.ATTEMPT_HEADER: str(d.attempts + 1),
            sig.MESSAGE_TYPE_HEADER: d.message_type,
            sig.BUSINESS_KEY_HEADER: d.business_key,
            sig.RETURN_STATUS_HEADER: str(d.fields.get("returnStatus", "")),
        }
        if d.trace_id:  # the trace of the message answered, as on the receipt topic (shared.tracing)
            headers[H.TRACE_ID] = d.trace_id
            headers[H.TRACEPARENT] = tracing.traceparent_for(d.trace_id)
        return await self._endpoint.post(d.url, body, headers)

    async def _record(self, d: webhook_store.DueDelivery, outcome: PostOutcome) -> None:
        async with self._pool.acquire() as conn:
            if outcome.ok:
                recovered = self._pauses.answered(d.dxp_id)
                await webhook_store.delivered(conn, d, outcome.http_status or 200)
                if recovered or d.attempts > 0:
                    await webhook_store.endpoint_recovered(conn, d.dxp_id)
                self.delivered += 1
                return
            attempts = d.attempts + 1
            if outcome.error.startswith(RENDER_FAILED):  # not the endpoint's fault, and final
                retry_in = None
            else:
                self._pauses.failed(d.dxp_id, time.monotonic())
                retry_in = self._settings.retry.delay_after(attempts, self._rng)
            await webhook_store.failed(conn, d.id, outcome.error, outcome.http_status, retry_in)
        self.failed_attempts += 1
        if retry_in is None:
            self.parked += 1
            log.warning("webhook delivery %s to %s parked after %d attempts: %s", d.id, d.dxp_id, attempts,
                        outcome.error)
