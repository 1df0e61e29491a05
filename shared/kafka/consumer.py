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
# flow control: given the assigned partitions, those to leave unread for now (paused until it no
# longer names them; e.g. the gateway's senders with a backlog, services/gateway/service_layer/inbound_flow.py)
FlowControl = Callable[[set[TopicPartition]], Awaitable[set[TopicPartition]]]
# checked before every fetch (one small query): a held sender's records copied out of Kafka stay within
# its backlog and one batch, however fast the batches go
FLOW_CHECK_S = 0.0
DeadLetterFactory = Callable[[RawRecord, str], list[OutgoingMessage]]

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
        self._flow_checked = 0.0

    async def _control_flow(self, consumer: AIOKafkaConsumer) -> None:
        """Pause what ``flow`` holds, resume what it no longer holds (at most every FLOW_CHECK_S).
        Nothing is skipped: a paused partition is read on from its position when resumed."""
        if self.flow is None or time.monotonic() - self._flow_checked < FLOW_CHECK_S:
            return
        self._flow_checked = time.monotonic()
        assigned = consumer.assignment()
        try:
            hold = await self.flow(set(assigned)) & assigned
        except TRANSIENT as exc:
            log.warning("%s: flow control not checked: %r", self.name, exc)
            return
        paused = consumer.paused()
        if hold - paused:
            consumer.pause(*(hold - paused))
        if paused - hold:
            consumer.resume(*(paused - hold))

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
        try:
            while True:
                await self._control_flow(consumer)
                batches = await consumer.getmany(timeout_ms=500, max_records=self._max_records)
                self.assigned = bool(consumer.assignment())
                self.last_progress = time.monotonic()
                if not batches:
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
                try:
                    await consumer.commit({tp: recs[-1].offset + 1 for tp, recs in batches.items()})
                except (CommitFailedError, IllegalStateError) as exc:
                    # the partitions moved to another instance during the batch (a rebalance): it
                    # will read them again from the last commit and its inbox will skip what we did
                    log.warning("%s: offsets not committed (%r); the new owner will skip what is applied", self.name, exc)
                self.processed += len(records)
                watch.committed()
                self._on_committed()
        finally:
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
