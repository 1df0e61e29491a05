"""The outbox: messages a service emits, stored with the state change that caused them — one
batch row per writing transaction (``outbox_batches``; the view ``outbox`` shows a message a row).

A write path emits them through its unit of work (``shared.db.unit_of_work``: ``uow.emit``), which
writes them here with :func:`add_to_outbox` when it commits.

Writing rows also notifies the schema's channel (``OUTBOX_CHANNEL``): the relay that publishes
(on whichever instance) is woken as soon as the writer commits. Rows the broker refuses for good
are parked (``outbox_parked``) with the reason, listed with :func:`parked` and sent again with
:func:`redrive`.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import asyncpg
from pydantic import BaseModel

from shared.ids import time_ordered_uuid
from shared.kafka.headers import MESSAGE_ID as MESSAGE_ID_HEADER
from shared.tracing import with_traceparent

OUTBOX_CHANNEL = "'cbec_outbox.' || current_schema()"  # an SQL expression: the schema's channel


@dataclass
class OutgoingMessage:
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    message_id: uuid.UUID = field(default_factory=time_ordered_uuid)

    @classmethod
    def of(cls, topic: str, key: str | None, value: bytes | BaseModel,
           headers: dict[str, str] | None = None, message_id: uuid.UUID | None = None) -> OutgoingMessage:
        body = value.__pydantic_serializer__.to_json(value) if isinstance(value, BaseModel) else value
        return cls(
            topic=topic,
            key=key.encode() if key is not None else None,
            value=body,
            headers=list((headers or {}).items()),
            message_id=message_id or time_ordered_uuid(),
        )


# a batch row holds at most this many messages (a larger write is split, in order)
BATCH_ROW_MESSAGES = 1000
_ROWS_A_READ = 16  # the relay reads batch rows so many at a time until its round is full


async def add_to_outbox(conn: asyncpg.Connection, messages: list[OutgoingMessage]) -> None:
    """Insert in the caller's transaction, as one batch row (``outbox_batches``: the messages in
    order, one row, one index entry) in one statement that also wakes the relay at commit; the relay
    publishes rows in id order and each row's messages in theirs. A message that names its trace
    gets its ``traceparent`` here (``shared.tracing``)."""
    for start in range(0, len(messages), BATCH_ROW_MESSAGES):
        part = messages[start:start + BATCH_ROW_MESSAGES]
        await conn.execute(
            "WITH added AS (INSERT INTO outbox_batches (message_ids, topics, keys, payloads, headers) "
            "VALUES ($1::uuid[], $2::text[], $3::bytea[], $4::bytea[], $5::text::jsonb)) "
            f"SELECT pg_notify({OUTBOX_CHANNEL}, '')",
            [m.message_id for m in part],
            [m.topic for m in part],
            [m.key for m in part],
            [m.value for m in part],
            json.dumps([with_traceparent(m.headers) for m in part]),
        )


@dataclass
class OutboxRow:
    """One message waiting: the ``position``-th of batch row ``id`` (its messages left are ``of``)."""

    id: int
    message_id: uuid.UUID
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]
    position: int = 0
    of: int = 1


async def next_unpublished(conn: asyncpg.Connection, limit: int) -> list[OutboxRow]:
    """The oldest messages waiting, in order: whole batch rows while they fit in ``limit``, and of
    a row too large for what is left, its first messages (at least one message)."""
    out: list[OutboxRow] = []
    after = 0
    while len(out) < limit:
        rows = await conn.fetch("SELECT id, message_ids, topics, keys, payloads, headers FROM outbox_batches "
                                "WHERE id > $1 ORDER BY id LIMIT $2", after, _ROWS_A_READ)
        for r in rows:
            after = r["id"]
            ids, topics, keys, payloads, headers = (r["message_ids"], r["topics"], r["keys"], r["payloads"],
                                                    r["headers"])
            for n in range(min(len(ids), limit - len(out))):
                out.append(OutboxRow(
                    id=after, message_id=ids[n], topic=topics[n], key=keys[n], value=payloads[n],
                    headers=[(MESSAGE_ID_HEADER, str(ids[n]).encode())] + [(k, v.encode()) for k, v in headers[n]],
                    position=n, of=len(ids)))
            if len(out) >= limit:
                break
        if len(rows) < _ROWS_A_READ:
            break
    return out


async def mark_published(conn: asyncpg.Connection, rows: list[OutboxRow]) -> None:
    """Take these messages (a round's: each row's first ones, in order) out of the outbox: a batch
    row published whole is deleted, one published in part keeps the rest."""
    published: dict[int, int] = {}
    total: dict[int, int] = {}
    for r in rows:
        published[r.id] = published.get(r.id, 0) + 1
        total[r.id] = r.of
    whole = [i for i, n in published.items() if n >= total[i]]
    if whole:
        await conn.execute("DELETE FROM outbox_batches WHERE id = ANY($1::bigint[])", whole)
    for i, n in published.items():
        if n < total[i]:
            await _drop_first(conn, i, n)


async def _drop_first(conn: asyncpg.Connection, batch_id: int, count: int) -> None:
    """A batch row without its first ``count`` messages (deleted when none is left)."""
    await conn.execute(
        "UPDATE outbox_batches SET message_ids = message_ids[$2 + 1:], topics = topics[$2 + 1:], "
        "keys = keys[$2 + 1:], payloads = payloads[$2 + 1:], "
        "headers = coalesce((SELECT jsonb_agg(e ORDER BY n) FROM jsonb_array_elements(headers) "
        "WITH ORDINALITY AS h(e, n) WHERE n > $2), '[]'::jsonb) WHERE id = $1", batch_id, count)
    await conn.execute("DELETE FROM outbox_batches WHERE id = $1 AND cardinality(message_ids) = 0", batch_id)


async def mark_published_by_message_id(conn: asyncpg.Connection, message_ids: list[uuid.UUID]) -> int:
    """Take out the messages with these ids (a round published before a crash: each batch row's
    first ones); how many there were."""
    wanted = set(message_ids)
    gone = 0
    for r in await conn.fetch("SELECT id, message_ids FROM outbox_batches WHERE message_ids && $1::uuid[] "
                              "ORDER BY id", list(wanted)):
        ids = r["message_ids"]
        n = 0
        while n < len(ids) and ids[n] in wanted:
            n += 1
        if n == len(ids):
            await conn.execute("DELETE FROM outbox_batches WHERE id = $1", r["id"])
        elif n:
            await _drop_first(conn, r["id"], n)
        gone += n
    return gone


async def park(conn: asyncpg.Connection, row: OutboxRow, reason: str) -> None:
    """Move a message the broker refuses for good (the first of its batch row) out of the way,
    with the reason."""
    await conn.execute(
        "INSERT INTO outbox_parked (message_id, topic, key, value, headers, created_at, reason) "
        "SELECT message_id, topic, key, value, headers, created_at, $3 FROM outbox "
        "WHERE batch_id = $1 AND position = 0 AND message_id = $2", row.id, row.message_id, reason)
    await _drop_first(conn, row.id, 1)


@dataclass
class ParkedRow:
    id: int
    message_id: uuid.UUID
    topic: str
    key: str | None
    size: int
    created_at: str
    parked_at: str
    reason: str


async def parked(conn: asyncpg.Connection, limit: int = 100, offset: int = 0) -> list[ParkedRow]:
    """The parked rows, oldest first (without their bodies)."""
    rows = await conn.fetch(
        "SELECT id, message_id, topic, key, octet_length(value) AS size, created_at, parked_at, reason "
        "FROM outbox_parked ORDER BY id OFFSET $2 LIMIT $1", limit, offset)
    return [ParkedRow(id=r["id"], message_id=r["message_id"], topic=r["topic"],
                      key=r["key"].decode("utf-8", "replace") if r["key"] is not None else None, size=r["size"],
                      created_at=r["created_at"].isoformat(), parked_at=r["parked_at"].isoformat(), reason=r["reason"])
            for r in rows]


async def backlog(conn: asyncpg.Connection) -> tuple[int, float, int]:
    """Rows waiting, the age of the oldest in seconds (0 without one), and rows parked."""
    row = await conn.fetchrow(
        "SELECT (SELECT coalesce(sum(cardinality(message_ids)), 0) FROM outbox_batches) AS rows, "
        "(SELECT extract(epoch FROM now() - min(created_at)) FROM outbox_batches) AS age, "
        "(SELECT count(*) FROM outbox_parked) AS parked")
    return int(row["rows"]), float(row["age"] or 0), int(row["parked"])


async def parked_count(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM outbox_parked")
    return count


async def redrive(conn: asyncpg.Connection, row_id: int) -> bool:
    """Put a parked message back in the outbox (as a batch row of its own: it leaves after what is
    there now; same message id, so a consumer that has it already drops it); False if there is no
    such row."""
    status = await conn.execute(
        "WITH back AS (DELETE FROM outbox_parked WHERE id = $1 RETURNING *) "
        "INSERT INTO outbox_batches (message_ids, topics, keys, payloads, headers, created_at) "
        "SELECT ARRAY[message_id], ARRAY[topic], ARRAY[key], ARRAY[value], jsonb_build_array(headers), created_at "
        "FROM back", row_id)
    if status.endswith(" 0"):
        return False
    await conn.execute(f"SELECT pg_notify({OUTBOX_CHANNEL}, '')")
    return True
