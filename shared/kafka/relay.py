"""The outbox relay: publishes a service's outbox rows to Kafka, in order, then deletes them.

One relay per service publishes at a time (PostgreSQL advisory lock), so rows leave in id order
and per-key order holds even when the service is scaled out. Rows are sent in batches; the
relay waits for every acknowledgement (acks=all, idempotent producer) before deleting the batch.
A crash in between re-sends the batch: consumers drop the copies by ``cbec-message-id``.
"""
from __future__ import annotations

import asyncio
import logging
import time

import asyncpg
from aiokafka import AIOKafkaProducer

from shared.db.outbox import mark_published, next_unpublished
from shared.kafka.admin import TopicAdmin

log = logging.getLogger(__name__)


def make_producer(bootstrap_servers: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        max_batch_size=256 * 1024,
        max_request_size=8 * 1024 * 1024,
    )


class OutboxRelay:
    def __init__(self, name: str, pool: asyncpg.Pool, producer: AIOKafkaProducer, admin: TopicAdmin,
                 *, batch_size: int = 1000, idle_poll_s: float = 0.5) -> None:
        self.name = name
        self._pool = pool
        self._producer = producer
        self._admin = admin
        self._batch = batch_size
        self._idle = idle_poll_s
        self._wake = asyncio.Event()
        self.published = 0
        self.last_progress = time.monotonic()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        async with self._pool.acquire() as lock_conn:
            await lock_conn.execute("SELECT pg_advisory_lock(hashtext($1))", f"relay:{self.name}")
            try:
                while True:
                    sent = await self.publish_once()
                    self.last_progress = time.monotonic()
                    if sent < self._batch:
                        try:
                            await asyncio.wait_for(self._wake.wait(), self._idle)
                        except asyncio.TimeoutError:
                            pass
                        self._wake.clear()
            finally:
                await lock_conn.execute("SELECT pg_advisory_unlock(hashtext($1))", f"relay:{self.name}")

    async def publish_once(self) -> int:
        async with self._pool.acquire() as conn:
            rows = await next_unpublished(conn, self._batch)
            if not rows:
                return 0
            await self._admin.ensure({t: {} for t in {r.topic for r in rows}})
            futures = [
                await self._producer.send(r.topic, value=r.value, key=r.key, headers=r.headers)
                for r in rows
            ]
            await asyncio.gather(*futures)
            await mark_published(conn, [r.id for r in rows])
            self.published += len(rows)
            return len(rows)
