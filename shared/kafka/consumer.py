"""The consumer loop every service uses: typed messages, batches, inbox, outbox, offsets after commit.

Each record of a batch from ``getmany`` is decoded once, here, by its topic's decoder into a
typed message (``shared.kafka.received.Received``: model, key, trace id, headers, position); the
handler gets those, never a raw record. A record the decoder refuses is dead-lettered with the
decoder's reason in the batch's transaction, and the rest of the batch flows on.

A batch is applied in ONE database transaction: the inbox claims the message ids
(so redelivered messages are skipped), the handler changes state and queues outgoing messages,
the outbox rows are inserted, the transaction commits, and only then are the Kafka offsets
committed. If the batch fails, each message is retried in a transaction of its own; one that
still fails is recorded as a dead letter with the reason (and published to the dead-letter topic
through the outbox), and the rest flow on. Database or broker outages are not the message's
fault: the batch is rewound and retried with a back-off, and after too many the loop gives up so
the process can be restarted by its supervisor.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError

from shared.db import dead_letters, inbox
from shared.db.outbox import OutgoingMessage
from shared.db.unit_of_work import UnitOfWork
from shared.kafka import headers as H
from shared.kafka import instrumentation as observe
from shared.kafka.received import Decoder, RawRecord, Received, Undecodable, message_id, receive
from shared.retry import TransientRetry
from shared.text import loggable, storable, truncated

log = logging.getLogger(__name__)


# what a handler gets: the batch's unit of work (its transaction, outgoing messages, deferred writes)
Batch = UnitOfWork


M = TypeVar("M")
# what a consumer calls with the typed messages of a batch that its inbox has not seen
Handler = Callable[[list[Received[M]], Batch], Awaitable[None]]
# flow control, asked before every fetch (one small query): given the assigned partitions, those the
# next batch may take only so many records of (0: none for now; what the consumer has fetched of
# them stays buffered, and no more of them is fetched meanwhile). Nothing is skipped: a partition
# is read on from its position. The gateway hands out its senders' turns so (a flood's records wait
# in Kafka, not in a batch: services/gateway/service_layer/inbound_flow.py).
FlowControl = Callable[[set[TopicPartition]], Awaitable[Mapping[TopicPartition, int]]]
DeadLetterFactory = Callable[[RawRecord, str], list[OutgoingMessage]]
Batches = dict[TopicPartition, list[ConsumerRecord]]

TRANSIENT = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.TooManyConnectionsError,
    asyncpg.CannotConnectNowError,
    asyncpg.TransactionRollbackError,  # a deadlock or serialization failure: the batch is simply retried
    ConnectionError,
    OSError,
    asyncio.TimeoutError,
)


@dataclass(slots=True)
class _Refused:
    """A record its topic's decoder refused: dead-lettered with the reason."""

    record: RawRecord
    message_id: str
    reason: str


def reason_of(exc: BaseException) -> str:
    """A dead letter's reason: the decoder's own words (``Undecodable``), else the exception."""
    text = str(exc) if isinstance(exc, Undecodable) else f"{type(exc).__name__}: {exc}"
    return storable(truncated(text, 4000))


class BatchConsumer(Generic[M]):
    def __init__(
        self,
        name: str,
        topics: list[str],
        *,
        bootstrap_servers: str,
        group_id: str,
        pool: asyncpg.Pool,
        handler: Handler[M],
        decode: Decoder[M],
        dead_letter: DeadLetterFactory,
        max_records: int = 500,
        fetch_max_wait_ms: int = 100,
        fetch_min_bytes: int = 1,
        on_committed: Callable[[], None] | None = None,
        max_transient_failures: int = 20,
        pattern: str | None = None,
        auth: Mapping[str, str] | None = None,
        trust_message_ids: bool = True,
    ) -> None:
        self.name = name
        self._topics = topics
        self._pattern = pattern
        self._auth = dict(auth or {})
        self._bootstrap = bootstrap_servers
        self._group = group_id
        self._pool = pool
        self._handler = handler
        self._decode = decode
        self._dead_letter = dead_letter
        self._max_records = max_records
        self._fetch_wait = fetch_max_wait_ms
        self._fetch_min = fetch_min_bytes
        self._on_committed = on_committed or (lambda: None)
        self._max_transient = max_transient_failures
        self._trust_ids = trust_message_ids
        self.last_progress = time.monotonic()
        self.processed = 0
        self.dead_lettered = 0
        self.assigned = False
        self.kafka: AIOKafkaConsumer | None = None  # while running: shared.pipes reads its lag
        self.flow: FlowControl | None = None
        self._turn = 0
        self._full: set[TopicPartition] = set()  # the limited partitions the last fetch took a whole turn of
        self._heavy_turns = asyncio.Semaphore(1)

    async def _fetch(self, consumer: AIOKafkaConsumer,
                     busy: frozenset[TopicPartition] | set[TopicPartition] = frozenset()) -> Batches:
        """The next batch: at most ``max_records``, and of each partition ``flow`` limits at most
        its limit (each limited partition taken from in turn, so none fills the batch for the
        others); nothing of the ``busy`` ones (a turn of theirs is being applied beside the loop)."""
        self._full = set()
        if self.flow is None:
            fetched: Batches = await consumer.getmany(timeout_ms=500, max_records=self._max_records)
            return fetched
        assigned = consumer.assignment()
        try:
            limits = {tp: n for tp, n in (await self.flow(set(assigned))).items() if tp in assigned}
        except TRANSIENT as exc:
            log.warning("%s: flow control not checked, nothing limited: %r", self.name, exc)
            limits = {}
        limits.update({tp: 0 for tp in busy if tp in assigned})
        room = self._max_records
        batches: dict[TopicPartition, list[ConsumerRecord]] = {}
        limited = sorted((tp for tp, n in limits.items() if n > 0), key=lambda tp: (tp.topic, tp.partition))
        if limited:  # a different partition first each time
            self._turn = (self._turn + 1) % len(limited)
            limited = limited[self._turn:] + limited[:self._turn]
        try:
            for tp in limited:
                if room <= 0:
                    break
                got = await consumer.getmany(tp, timeout_ms=0, max_records=min(room, limits[tp]))
                for part, recs in got.items():
                    batches[part] = recs
                    room -= len(recs)
            free = [tp for tp in assigned if tp not in limits]
            if free and room > 0:
                batches.update(await consumer.getmany(*free, timeout_ms=0, max_records=room))
            if not batches:  # wait for the next records of any partition that may be read now
                readable = free + limited
                if readable:
                    # not long if a partition waits for its turn: it may have one by then
                    batches.update(await consumer.getmany(
                        *readable, timeout_ms=100 if len(readable) < len(assigned) else 500,
                        max_records=min([limits[tp] for tp in limited] + [self._max_records])))
                else:
                    await asyncio.sleep(0.05)
        except IllegalStateError as exc:  # a rebalance took a partition between the calls
            log.info("%s: %r; the batch so far goes on", self.name, exc)
        self._full = {tp for tp, recs in batches.items() if tp in limits and len(recs) >= limits[tp] > 0}
        return batches

    def _split(self, batches: Batches) -> tuple[Batches, Batches]:
        """The light partitions of a batch and the heavy ones: those ``flow`` limited that gave a
        whole turn (more is likely waiting behind: a flooding sender's). The heavy ones are applied
        beside the loop, so a light sender's message read meanwhile is not committed behind them."""
        light = {tp: recs for tp, recs in batches.items() if tp not in self._full}
        heavy = {tp: recs for tp, recs in batches.items() if tp in self._full}
        return light, heavy

    async def _beside(self, records: list[ConsumerRecord]) -> None:
        async with self._heavy_turns:  # one at a time: the light ones keep their connections
            await self._apply(*self._received(records))

    async def _reap(self, consumer: AIOKafkaConsumer, beside: dict[asyncio.Task[None], Batches],
                    retry: TransientRetry) -> None:
        """Commit the offsets of the heavy turns applied; rewind those that failed for a transient
        reason (read again; the inbox skips what was applied)."""
        for task in [t for t in beside if t.done()]:
            batches = beside.pop(task)
            exc = task.exception()
            if exc is None:
                retry.succeeded()
                await self._commit(consumer, batches)
                continue
            if not isinstance(exc, TRANSIENT):
                raise exc
            retry.failed(exc)
            for tp, recs in batches.items():
                consumer.seek(tp, recs[0].offset)
            await asyncio.sleep(retry.delay())

    async def _commit(self, consumer: AIOKafkaConsumer, batches: Batches) -> None:
        try:
            await consumer.commit({tp: recs[-1].offset + 1 for tp, recs in batches.items()})
        except (CommitFailedError, IllegalStateError) as exc:
            # the partitions moved to another instance during the batch (a rebalance): it
            # will read them again from the last commit and its inbox will skip what we did
            log.warning("%s: offsets not committed (%r); the new owner will skip what is applied", self.name, exc)
        self.processed += sum(len(recs) for recs in batches.values())
        self._on_committed()

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=self._bootstrap,
            group_id=self._group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",  # the relays publish in Kafka transactions
            max_poll_records=self._max_records,
            fetch_max_wait_ms=self._fetch_wait,
            fetch_min_bytes=self._fetch_min,
            metadata_max_age_ms=5000,
            **self._auth,
        )
        if self._pattern is not None:
            # topics that appear later (a newly registered enterprise's inbound) are picked up
            # at the next metadata refresh and read from their beginning
            consumer.subscribe(pattern=self._pattern)
        await consumer.start()
        self.kafka = consumer
        retry = TransientRetry(self.name, self._max_transient)
        beside: dict[asyncio.Task[None], Batches] = {}  # heavy turns being applied beside the loop
        try:
            while True:
                await self._reap(consumer, beside, retry)
                batches = await self._fetch(consumer, set().union(*beside.values()) if beside else set())
                self.assigned = bool(consumer.assignment())
                self.last_progress = time.monotonic()
                light, heavy = self._split(batches)
                if heavy:
                    beside[asyncio.create_task(self._beside([r for recs in heavy.values() for r in recs]))] = heavy
                batches = light
                if not batches:
                    if not heavy:
                        observe.idle(self)
                    continue
                records = [r for recs in batches.values() for r in recs]
                watch = observe.batch_started(self, records)
                try:
                    await self._apply(*self._received(records))
                except TRANSIENT as exc:
                    watch.failed(exc)
                    retry.failed(exc)
                    for tp, recs in batches.items():
                        consumer.seek(tp, recs[0].offset)
                    await asyncio.sleep(retry.delay())
                    continue
                retry.succeeded()
                await self._commit(consumer, batches)
                watch.committed()
        finally:
            for task in beside:
                task.cancel()
            await asyncio.gather(*beside, return_exceptions=True)
            self.kafka = None
            await consumer.stop()

    def _received(self, records: list[ConsumerRecord]) -> tuple[list[Received[M]], list[_Refused]]:
        """The batch's typed messages (tombstones left out), and the records their decoder refused."""
        decode, trust = self._decode, self._trust_ids
        good: list[Received[M]] = []
        refused: list[_Refused] = []
        for record in records:
            try:
                model = decode(record)
            except Exception as exc:  # whatever the decoder says is the reason
                refused.append(_Refused(record, message_id(record, trust), reason_of(exc)))
                continue
            if model is not None:
                good.append(receive(record, model, trust))
        return good, refused

    async def _apply(self, messages: list[Received[M]], refused: list[_Refused]) -> None:
        async with self._pool.acquire() as conn:
            try:
                self.dead_lettered += await self._apply_in_transaction(conn, messages, refused)
                return
            except TRANSIENT:
                raise
            except Exception:
                if len(messages) > 1:
                    log.warning("%s: batch of %d failed, retrying one by one", self.name, len(messages))
            if refused:
                self.dead_lettered += await self._apply_in_transaction(conn, [], refused)
            for message in messages:
                try:
                    await self._apply_in_transaction(conn, [message], [])
                except TRANSIENT:
                    raise
                except Exception as exc:  # a poison message: record it, publish it, move on
                    reason = reason_of(exc)
                    log.error("%s: dead-lettering %s: %s\n%s", self.name, message.message_id, loggable(reason),
                              traceback.format_exc())
                    await self._record_dead_letter(conn, message.record, message.message_id, reason)

    async def _apply_in_transaction(self, conn: asyncpg.Connection, messages: list[Received[M]],
                                    refused: list[_Refused]) -> int:
        """Apply what the inbox has not seen, dead-letter what the decoder refused; how many were."""
        async with UnitOfWork(conn) as batch:
            fresh = await inbox.claim(conn, self.name, [m.message_id for m in messages] +
                                      [r.message_id for r in refused])
            todo = []
            for m in messages:
                if m.message_id in fresh:
                    fresh.discard(m.message_id)  # the same id twice in a batch is applied once
                    todo.append(m)
            if todo:
                await self._handler(todo, batch)
            dead = 0
            for r in refused:
                if r.message_id in fresh:
                    fresh.discard(r.message_id)
                    log.error("%s: dead-lettering %s: %s", self.name, r.message_id, loggable(r.reason))
                    await dead_letters.record(conn, self.name, r.record, r.reason)
                    batch.emit_all(self._dead_letter(r.record, r.reason))
                    dead += 1
        return dead

    async def _record_dead_letter(self, conn: asyncpg.Connection, record: RawRecord, mid: str, reason: str) -> None:
        async with UnitOfWork(conn) as uow:
            await inbox.claim(conn, self.name, [mid])
            await dead_letters.record(conn, self.name, record, reason)
            uow.emit_all(self._dead_letter(record, reason))
        self.dead_lettered += 1


# what a dead letter's headers, key and record framing may take of the broker's record limit
DEAD_LETTER_HEADROOM = 64 * 1024
MAX_KEY_BYTES = 1024


def dead_letter_to(topic: str, max_record_bytes: int = 5 * 1024 * 1024) -> DeadLetterFactory:
    """Dead letters keep the original key and bytes; the reason travels in headers. A copy that
    would not fit the broker's record limit keeps its first bytes, and says so (``dlq-truncated``:
    the original length and SHA-256); the whole record stays in the ``dead_letters`` table."""
    budget = max(1024, max_record_bytes - DEAD_LETTER_HEADROOM)

    def build(record: RawRecord, reason: str) -> list[OutgoingMessage]:
        value = record.value if record.value is not None else b""
        observe.dead_lettered(topic, reason)
        headers = [
            (H.DLQ_REASON, truncated(storable(reason), 2000)),
            (H.DLQ_SOURCE_TOPIC, record.topic),
            (H.DLQ_SOURCE_PARTITION, str(record.partition)),
            (H.DLQ_SOURCE_OFFSET, str(record.offset)),
        ]
        if len(value) > budget:
            headers.append((H.DLQ_TRUNCATED, f"{len(value)} bytes, sha256 {hashlib.sha256(value).hexdigest()}; "
                                             f"the first {budget} kept"))
            value = value[:budget]
        key = record.key[:MAX_KEY_BYTES] if record.key is not None else None
        return [OutgoingMessage(topic=topic, key=key, value=value, headers=headers)]

    return build


__all__ = ["Batch", "BatchConsumer", "Handler", "Received", "TopicPartition", "dead_letter_to", "message_id"]
