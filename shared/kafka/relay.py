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
from collections.abc import Mapping
from datetime import datetime

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.partitioner import DefaultPartitioner

from shared.db.outbox import MESSAGE_ID_HEADER, mark_published, next_unpublished
from shared.kafka.admin import TopicAdmin

log = logging.getLogger(__name__)


async def _partitions(reader: AIOKafkaConsumer, topic: str) -> set[int]:
    try:
        await reader._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
    except Exception:  # noqa: BLE001 - an unknown topic simply has nothing published yet
        return set()
    return reader.partitions_for_topic(topic) or set()


async def _published_ids(reader: AIOKafkaConsumer, topic: str, since: datetime, pending: dict[str, int],
                         budget_s: float = 30.0) -> list[int]:
    """The outbox ids of ``pending`` messages found on ``topic`` from shortly before ``since``."""
    parts = reader.partitions_for_topic(topic) or await _partitions(reader, topic)
    tps = [TopicPartition(topic, p) for p in parts]
    if not tps:
        return []
    reader.assign(tps)
    ends = await reader.end_offsets(tps)
    starts = await reader.offsets_for_times({tp: int(since.timestamp() * 1000) - 60_000 for tp in tps})
    todo = []
    for tp in tps:
        if starts.get(tp) is not None and starts[tp].offset < ends[tp]:
            reader.seek(tp, starts[tp].offset)
            todo.append(tp)
    found: list[int] = []
    deadline = asyncio.get_running_loop().time() + budget_s
    while todo and asyncio.get_running_loop().time() < deadline:
        for recs in (await reader.getmany(*todo, timeout_ms=500)).values():
            for rec in recs:
                mid = dict(rec.headers or ()).get(MESSAGE_ID_HEADER, b"").decode()
                if mid in pending:
                    found.append(pending[mid])
        todo = [tp for tp in todo if await reader.position(tp) < ends[tp]]
    return found


def make_producer(bootstrap_servers: str, auth: Mapping[str, str] | None = None) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        **(auth or {}),
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        max_batch_size=256 * 1024,
        max_request_size=8 * 1024 * 1024,
    )


class OutboxRelay:
    def __init__(self, name: str, pool: asyncpg.Pool, producer: AIOKafkaProducer, admin: TopicAdmin,
                 *, batch_size: int = 1000, idle_poll_s: float = 0.5, bootstrap_servers: str = "",
                 auth: Mapping[str, str] | None = None) -> None:
        self.name = name
        self._pool = pool
        self._producer = producer
        self._bootstrap = bootstrap_servers
        self._auth = dict(auth or {})
        self._partitioner = DefaultPartitioner()
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
                await self.forget_already_published()
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

    async def forget_already_published(self) -> int:
        """After a crash between the broker's acknowledgement and the delete, the rows left in the
        outbox may already be on their topics: read those topics from a little before the oldest
        row was written and delete the rows whose message id is there, so a restart re-sends
        nothing that was published."""
        async with self._pool.acquire() as conn:
            rows = await next_unpublished(conn, self._batch)
            if not rows:
                return 0
            since = await conn.fetchval("SELECT min(created_at) FROM outbox")
            pending = {str(r.message_id): r.id for r in rows}
            reader = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, group_id=None, enable_auto_commit=False,
                                      **self._auth)
            await reader.start()
            found: list[int] = []
            try:
                for topic in {r.topic for r in rows}:
                    found += await _published_ids(reader, topic, since, pending)
            finally:
                await reader.stop()
            if found:
                await mark_published(conn, found)
                log.warning("%s: %d outbox row(s) were published before a crash; not sending them again",
                            self.name, len(found))
            return len(found)

    async def publish_once(self) -> int:
        async with self._pool.acquire() as conn:
            rows = await next_unpublished(conn, self._batch)
            if not rows:
                return 0
            await self._admin.ensure({t: {} for t in {r.topic for r in rows}})
            futures = await self._send_in_batches(rows)
            await asyncio.gather(*futures)
            await mark_published(conn, [r.id for r in rows])
            self.published += len(rows)
            return len(rows)

    async def _send_in_batches(self, rows: list) -> list:
        """Send the rows as one record batch per partition (the key picks the partition, as the
        producer's default partitioner would): far less work per message than one send each.
        Batches of one partition are queued in row order, so per-key order holds."""
        partitions = {t: sorted(await self._producer.partitions_for(t)) for t in {r.topic for r in rows}}
        open_batches: dict[tuple[str, int], object] = {}
        futures = []
        for r in rows:
            parts = partitions[r.topic]
            part = self._partitioner(r.key, parts, parts) if r.key is not None else parts[len(futures) % len(parts)]
            slot = (r.topic, part)
            batch = open_batches.get(slot)
            if batch is None:
                batch = open_batches[slot] = self._producer.create_batch()
            if batch.append(key=r.key, value=r.value, timestamp=None, headers=r.headers) is None:
                futures.append(await self._producer.send_batch(batch, r.topic, partition=part))
                batch = open_batches[slot] = self._producer.create_batch()
                if batch.append(key=r.key, value=r.value, timestamp=None, headers=r.headers) is None:
                    # larger than a batch: the producer sizes a batch for it (the open one is empty)
                    futures.append(await self._producer.send(r.topic, value=r.value, key=r.key,
                                                             headers=r.headers, partition=part))
        for (topic, part), batch in open_batches.items():
            futures.append(await self._producer.send_batch(batch, topic, partition=part))
        return futures
