"""Taking the deferred messages in turn: round after round over the senders with deferred messages
(the longest waiting first), each sender at most its quantum a round and as far as its tokens go,
in the order it sent them — the gateway's per-sender fairness (deficit round robin;
``domain/sender_quota.py``).

Each sender's share runs in a transaction of its own (the deferred rows leave the queue in the
transaction that answers or forwards them); an advisory lock per sender keeps two gateway
instances from taking one sender's messages at once. A message that makes the intake fail is
dead-lettered on its own, like one from Kafka.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncpg

from shared.db.outbox import add_to_outbox
from shared.kafka.consumer import TRANSIENT, Batch
from shared.retry import TransientRetry
from shared.text import loggable, storable, truncated

from ..adapters import deferred_intake, sender_tokens
from .intake import Intake

log = logging.getLogger(__name__)


class FairIntake:
    def __init__(self, pool: asyncpg.Pool, intake: Intake, wake_relay: Callable[[], None],
                 idle_s: float = 0.2) -> None:
        """``idle_s``: how often the queue is looked at while it holds messages (a sender's tokens
        of that long are taken in one transaction, not one by one)."""
        assert intake.quota is not None
        self.pool = pool
        self.intake = intake
        self.quota = intake.quota
        self.wake_relay = wake_relay
        self.idle_s = idle_s
        self.taken = 0
        self._wake = asyncio.Event()
        intake.on_deferred = self._wake.set

    async def run(self, max_failures: int = 20) -> None:
        retry = TransientRetry("fair intake", max_failures)
        while True:
            try:
                taken = await self.take_once()
            except TRANSIENT as exc:
                await retry.back_off(exc)
                continue
            retry.succeeded()
            if not taken:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), self.idle_s if self.intake.deferred else 1.0)
                except TimeoutError:
                    pass

    async def take_once(self) -> int:
        """One round over the senders with deferred messages; how many were taken."""
        total = 0
        async with self.pool.acquire() as conn:
            for sender in await deferred_intake.waiting_senders(conn):
                # one sender's turn: its quantum, in a transaction of its own (the consumer loop
                # and the other senders get theirs between)
                total += await self._take(conn, sender, self.quota.quantum)
        if total:
            self.taken += total
            self.wake_relay()
        return total

    async def _take(self, conn: asyncpg.Connection, sender: str, room: int) -> int:
        try:
            async with conn.transaction():
                rows = await self._locked_rows(conn, sender, room)
                if rows:
                    await self._apply(conn, rows)
                return len(rows)
        except TRANSIENT:
            raise
        except Exception:
            log.warning("fair intake: deferred messages of %s failed together, one by one", loggable(sender))
        taken = 0
        for _ in range(room):
            async with conn.transaction():
                rows = await self._locked_rows(conn, sender, 1)
                if not rows:
                    break
                try:
                    async with conn.transaction():
                        await self._apply(conn, rows)
                except TRANSIENT:
                    raise
                except Exception as exc:
                    await self._dead_letter(conn, rows[0], f"{type(exc).__name__}: {exc}")
                taken += 1
        return taken

    async def _locked_rows(self, conn: asyncpg.Connection, sender: str, limit: int) -> list:
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock(hashtext('gateway:deferred:' || $1))", sender):
            return []
        rows = await deferred_intake.take(conn, sender, limit)
        granted = await sender_tokens.take(conn, self.quota, {sender: len(rows)})
        return rows[:granted.get(sender, 0)]

    async def _apply(self, conn: asyncpg.Connection, rows: list) -> None:
        batch = Batch(conn)
        await self.intake.handle([self.intake.receive(d.record) for d in rows], batch, admitted=True)
        await deferred_intake.remove(conn, [d.id for d in rows])
        await add_to_outbox(conn, batch.outgoing)

    async def _dead_letter(self, conn: asyncpg.Connection, row, reason: str) -> None:
        reason = storable(truncated(reason, 4000))
        log.error("fair intake: dead-lettering deferred %s:%s:%s: %s", row.record.topic, row.record.partition,
                  row.record.offset, loggable(reason))
        batch = Batch(conn)
        await self.intake.answers.dead_letter(batch, row.record, reason, consumer="gateway-fair-intake")
        await add_to_outbox(conn, batch.outgoing)
        await deferred_intake.remove(conn, [row.id])
