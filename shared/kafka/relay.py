"""The outbox relay: publishes a service's outbox to Kafka, in order, exactly once, then takes
what it published out of it.

- **One publisher per service.** The relay that holds the advisory lock ``relay:<service>``
  publishes every instance's outbox rows (a batch row per writing transaction), in id order and
  each row's messages in theirs (for rows about one entity, id order is commit order: they are
  written under that entity's row lock), so per-key order holds however many instances write.
  The others stand by and take over when the holder's session ends. The holder does not poll:
  every transaction that writes outbox rows also ``NOTIFY``s the schema's channel
  (``shared.db.outbox``), which wakes it as soon as the writer commits, on whichever instance.
- **Exactly once.** Each round (up to ``batch_size`` messages: whole batch rows, and the first
  messages of one too large for what is left) is one Kafka transaction that also writes a
  *progress marker* (the message ids of the round) to the relay's own compacted topic; the
  messages leave the outbox after the transaction commits. The transactional id is the
  service's, so a new holder fences any predecessor still alive and aborts its open transaction.
  A crash between the commit and the delete leaves at most that one round behind, and its marker
  is the last one committed: at start the relay reads it and takes those messages out instead of
  sending them again. Consumers read with ``isolation_level=read_committed`` and never see an
  aborted copy.
- **Parking.** A round the broker refuses for good (a message larger than it allows, any
  non-retriable error) is aborted and sent again one message per transaction up to the last batch
  row that failed; a message that fails on its own is moved to ``outbox_parked`` with the reason
  (``shared.db.outbox.parked``/``redrive``, ``GET /outbox/parked``) and the relay carries on.
  Transient failures (broker away) restart the round after a pause; nothing is lost or doubled.
"""
from __future__ import annotations

import asyncio
import logging
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition, errors
from aiokafka.errors import KafkaError, ProducerFenced
from aiokafka.partitioner import DefaultPartitioner

from shared.db import relay_lock
from shared.db.outbox import (
    OutboxRow,
    mark_published,
    mark_published_by_message_id,
    next_unpublished,
    park,
)
from shared.kafka.admin import TopicAdmin
from shared.retry import TransientRetry

log = logging.getLogger(__name__)

PROGRESS_PARTITION = 0


def make_producer(bootstrap_servers: str, transactional_id: str | None = None,
                  auth: Mapping[str, str] | None = None) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        **(auth or {}),
        acks="all",
        enable_idempotence=True,
        transactional_id=transactional_id,
        linger_ms=2,
        max_batch_size=256 * 1024,
        max_request_size=8 * 1024 * 1024,
    )


# errors about the producer's own state, not about a row: a fresh producer gets past them
PRODUCER_STATE = (errors.ConcurrentTransactions, errors.DuplicateSequenceNumber, errors.InvalidProducerEpoch,
                  errors.InvalidProducerIdMapping, errors.InvalidTxnState, errors.OutOfOrderSequenceNumber,
                  errors.ProducerClosed, errors.ProducerFenced, errors.TransactionCoordinatorFenced,
                  errors.UnknownProducerId, errors.IllegalOperation)


def _permanent(exc: BaseException) -> bool:
    """The broker will never take this (as opposed to: not now, or: not from this producer)."""
    return isinstance(exc, KafkaError) and not exc.retriable and not isinstance(exc, PRODUCER_STATE)


class RoundFailed(Exception):
    def __init__(self, cause: BaseException, suspects: list[int]) -> None:
        super().__init__(repr(cause))
        self.cause = cause
        self.suspects = suspects


class OutboxRelay:
    def __init__(self, name: str, pool: asyncpg.Pool, admin: TopicAdmin, *, bootstrap_servers: str,
                 transactional_id: str | None = None, progress_topic: str | None = None,
                 batch_size: int = 1000, idle_poll_s: float = 5.0, retry_pause_s: float = 1.0,
                 auth: Mapping[str, str] | None = None,
                 tally: Callable[[list[OutboxRow]], bytes | None] | None = None, flows_topic: str | None = None) -> None:
        """``tally``: the round's flow counts (``shared.flow_counts``), published on ``flows_topic``
        in the round's transaction."""
        self.name = name
        self._pool = pool
        self._admin = admin
        self._bootstrap = bootstrap_servers
        self._auth = dict(auth or {})  # the service's principal (secure profile)
        self._txn_id = transactional_id or f"cbec-relay-{name}"
        self._progress = progress_topic or f"cbec.relay.{name}"
        self._partitioner = DefaultPartitioner()
        self._batch = batch_size
        self._idle = idle_poll_s
        self._wake = asyncio.Event()
        self._producer: AIOKafkaProducer | None = None
        self._suspects: set[int] = set()
        self._retry = TransientRetry(f"{name}: relay", limit=sys.maxsize, base_s=retry_pause_s,
                                     cap_s=max(retry_pause_s, 5.0))
        self._tally = tally if flows_topic else None
        self._flows = flows_topic
        self.published = 0
        self.parked = 0
        self.holder = False
        self.last_progress = time.monotonic()

    def wake(self) -> None:
        self._wake.set()

    # --- the loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        async with self._pool.acquire() as lock_conn:
            while not await relay_lock.try_hold(lock_conn, self.name):
                self.last_progress = time.monotonic()  # standing by is healthy
                await asyncio.sleep(self._idle)
            self.holder = True
            channel = await relay_lock.outbox_channel(lock_conn)
            await lock_conn.add_listener(channel, self._notified)
            try:
                while True:
                    try:
                        await self.start()
                        await self.recover()
                        await self._publish_until_failure()
                    except ProducerFenced:
                        raise  # another relay holds our transactional id: this one must not go on
                    except (TimeoutError, KafkaError, OSError) as exc:
                        # the broker away: a fresh producer after a back-off, for as long as it takes
                        # (the outbox keeps every row meanwhile)
                        await self.stop()
                        await self._retry.back_off(exc)
            finally:
                self.holder = False
                await self.stop()
                await lock_conn.remove_listener(channel, self._notified)
                await relay_lock.release(lock_conn, self.name)

    def _notified(self, *_args: object) -> None:
        self._wake.set()

    async def _publish_until_failure(self) -> None:
        while True:
            sent = await self.publish_once()
            self.last_progress = time.monotonic()
            self._retry.succeeded()
            if sent < self._batch:
                try:
                    await asyncio.wait_for(self._wake.wait(), self._idle)
                except TimeoutError:
                    pass
                self._wake.clear()

    async def start(self) -> None:
        """A transactional producer under the service's id: fences any predecessor, aborts its open
        transaction."""
        if self._producer is None:
            await self._admin.ensure({self._progress: {"cleanup.policy": "compact"}})
            self._producer = make_producer(self._bootstrap, self._txn_id, self._auth)
            await self._producer.start()
            # the producer id is granted once the coordinator has finished (committed or aborted)
            # the predecessor's last transaction: only then is the last marker the truth
            await self._producer._txn_manager.wait_for_pid()

    async def stop(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            try:
                await producer.stop()
            except Exception as exc:
                log.warning("%s: producer did not stop cleanly: %r", self.name, exc)

    # --- recovery ---------------------------------------------------------------------------

    async def recover(self) -> int:
        """Take out the messages of the last committed round if a crash left them behind; how many."""
        ids = await self._last_marker()
        if not ids:
            return 0
        async with self._pool.acquire() as conn:
            gone = await mark_published_by_message_id(conn, ids)
        if gone:
            log.warning("%s: %d outbox row(s) were published before a crash; not sending them again", self.name, gone)
        return gone

    async def _last_marker(self) -> list[uuid.UUID]:
        reader = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, group_id=None, enable_auto_commit=False,
                                  isolation_level="read_committed", **self._auth)
        await reader.start()
        try:
            tp = TopicPartition(self._progress, PROGRESS_PARTITION)
            reader.assign([tp])
            end = (await reader.end_offsets([tp]))[tp]
            start, step = end, 64
            deadline = asyncio.get_running_loop().time() + 60
            while start > 0:
                start = max(0, start - step)
                reader.seek(tp, start)
                last = None
                while await reader.position(tp) < end:
                    if asyncio.get_running_loop().time() > deadline:
                        raise TimeoutError(f"the last marker on {self._progress} could not be read")
                    for recs in (await reader.getmany(tp, timeout_ms=1000)).values():
                        for rec in recs:
                            if rec.offset < end and rec.key == self.name.encode():
                                last = rec
                if last is not None:
                    v = last.value or b""
                    return [uuid.UUID(bytes=v[i:i + 16]) for i in range(0, len(v), 16)]
                end, step = start, step * 4
            return []
        finally:
            await reader.stop()

    # --- publishing -------------------------------------------------------------------------

    async def publish_once(self) -> int:
        """One round: the oldest rows, in one Kafka transaction; how many left the outbox."""
        await self.start()
        async with self._pool.acquire() as conn:
            rows = await next_unpublished(conn, self._batch)
            if not rows:
                return 0
            await self._admin.ensure({t: {} for t in {r.topic for r in rows}})
            if self._suspects:
                return await self._one_by_one(conn, rows)
            try:
                await self._transaction(rows)
            except RoundFailed as failed:
                if not _permanent(failed.cause):
                    raise failed.cause from None
                log.warning("%s: the broker refused a round (%r); sending it again row by row", self.name, failed.cause)
                self._suspects = set(failed.suspects)
                await self.stop()  # a producer whose send failed is out of step: the next round gets a fresh one
                return 0
            await mark_published(conn, rows)
            self.published += len(rows)
            return len(rows)

    async def _one_by_one(self, conn: asyncpg.Connection, rows: list[OutboxRow]) -> int:
        """Up to the last suspect row, one row per transaction; a row refused on its own is parked."""
        last = max(self._suspects)
        done = 0
        for row in rows:
            if row.id > last:
                break
            try:
                await self.start()
                await self._transaction([row])
            except RoundFailed as failed:
                if not _permanent(failed.cause):
                    raise failed.cause from None
                await self.stop()
                await park(conn, row, f"{type(failed.cause).__name__}: {failed.cause}")
                log.error("%s: outbox row %s (%s) parked: %r", self.name, row.id, row.topic, failed.cause)
                self.parked += 1
            else:
                await mark_published(conn, [row])
                self.published += 1
            done += 1
        self._suspects = set()
        return done

    async def _transaction(self, rows: list[OutboxRow]) -> None:
        producer = self._producer
        assert producer is not None
        await producer.begin_transaction()
        try:
            sent = await self._send_in_batches(producer, rows)
            counted = self._tally(rows) if self._tally is not None else None
            if counted is not None:
                sent.append((await producer.send(self._flows, key=self.name.encode(), value=counted), []))
            marker = await producer.send(self._progress, key=self.name.encode(),
                                         value=b"".join(r.message_id.bytes for r in rows), partition=PROGRESS_PARTITION)
            results = await asyncio.gather(*(f for f, _ in sent), marker, return_exceptions=True)
            failures = [(res, ids) for res, (_, ids) in zip(results, sent) if isinstance(res, BaseException)]
            if isinstance(results[-1], BaseException):
                failures.append((results[-1], []))
            if failures:
                raise RoundFailed(failures[0][0], [i for _, ids in failures for i in ids])
        except RoundFailed:
            await producer.abort_transaction()
            raise
        except KafkaError as exc:
            if _permanent(exc):  # refused before it was queued (e.g. over max_request_size)
                await producer.abort_transaction()
                raise RoundFailed(exc, [r.id for r in rows]) from exc
            raise
        await producer.commit_transaction()

    async def _send_in_batches(self, producer: AIOKafkaProducer, rows: list[OutboxRow]) -> list[tuple[asyncio.Future[Any], list[int]]]:
        """Send the rows as one record batch per partition (the key picks the partition, as the
        producer's default partitioner would): far less work per message than one send each.
        Batches of one partition are queued in row order, so per-key order holds. Returns each
        queued batch's future with the ids of its rows."""
        partitions = {t: sorted(await producer.partitions_for(t)) for t in {r.topic for r in rows}}
        open_batches: dict[tuple[str, int], tuple[Any, list[int]]] = {}
        sent: list[tuple[asyncio.Future[Any], list[int]]] = []
        for n, r in enumerate(rows):
            parts = partitions[r.topic]
            part = self._partitioner(r.key, parts, parts) if r.key is not None else parts[n % len(parts)]
            slot = (r.topic, part)
            if slot not in open_batches:
                open_batches[slot] = (producer.create_batch(), [])
            batch, ids = open_batches[slot]
            if batch.append(key=r.key, value=r.value, timestamp=None, headers=r.headers) is not None:
                ids.append(r.id)
                continue
            if ids:
                sent.append((await producer.send_batch(batch, r.topic, partition=part), ids))
            batch, ids = producer.create_batch(), []
            open_batches[slot] = (batch, ids)
            if batch.append(key=r.key, value=r.value, timestamp=None, headers=r.headers) is not None:
                ids.append(r.id)
                continue
            # larger than a batch: the producer sizes a batch for it (the open one is empty)
            try:
                fut = await producer.send(r.topic, value=r.value, key=r.key, headers=r.headers, partition=part)
            except KafkaError as exc:
                if not _permanent(exc):
                    raise
                fut = asyncio.get_running_loop().create_future()
                fut.set_exception(exc)
            sent.append((fut, [r.id]))
        for (topic, part), (batch, ids) in open_batches.items():
            if ids:
                sent.append((await producer.send_batch(batch, topic, partition=part), ids))
        return sent
