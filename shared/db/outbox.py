"""The outbox: messages a service emits, stored with the state change that caused them.

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

from shared.kafka.headers import MESSAGE_ID as MESSAGE_ID_HEADER
from shared.tracing import with_traceparent

OUTBOX_CHANNEL = "'cbec_outbox.' || current_schema()"  # an SQL expression: the schema's channel


@dataclass
class OutgoingMessage:
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    message_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def of(cls, topic: str, key: str | None, value: bytes | BaseModel,
           headers: dict[str, str] | None = None, message_id: uuid.UUID | None = None) -> OutgoingMessage:
        body = value.__pydantic_serializer__.to_json(value) if isinstance(value, BaseModel) else value
        return cls(
            topic=topic,
            key=key.encode() if key is not None else None,
            value=body,
            headers=list((headers or {}).items()),
            message_id=message_id or uuid.uuid4(),
        )


async def add_to_outbox(conn: asyncpg.Connection, messages: list[OutgoingMessage]) -> None:
    """Insert in the caller's transaction, in one statement that also wakes the relay at commit;
    the relay publishes in insertion order. A message that names its trace gets its
    ``traceparent`` here (``shared.tracing``)."""
    if not messages:
        return
    await conn.execute(
        "WITH added AS (INSERT INTO outbox (message_id, topic, key, value, headers) "
        "SELECT u.m, u.t, u.k, u.v, u.h::jsonb "
        "FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::bytea[], $5::text[]) WITH ORDINALITY "
        "AS u(m, t, k, v, h, n) ORDER BY u.n) "
        f"SELECT pg_notify({OUTBOX_CHANNEL}, '')",
        [m.message_id for m in messages],
        [m.topic for m in messages],
        [m.key for m in messages],
        [m.value for m in messages],
        [json.dumps(with_traceparent(m.headers)) for m in messages],
    )


@dataclass
class OutboxRow:
    id: int
    message_id: uuid.UUID
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


async def next_unpublished(conn: asyncpg.Connection, limit: int) -> list[OutboxRow]:
    rows = await conn.fetch(
        "SELECT id, message_id, topic, key, value, headers FROM outbox ORDER BY id LIMIT $1", limit
    )
    return [
        OutboxRow(
            id=r["id"],
            message_id=r["message_id"],
            topic=r["topic"],
            key=r["key"],
            value=r["value"],
            headers=[(MESSAGE_ID_HEADER, str(r["message_id"]).encode())]
            + [(k, v.encode()) for k, v in r["headers"]],
        )
        for r in rows
    ]


async def mark_published(conn: asyncpg.Connection, ids: list[int]) -> None:
    await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", ids)


async def mark_published_by_message_id(conn: asyncpg.Connection, message_ids: list[uuid.UUID]) -> int:
    """Delete the rows with these message ids (published before a crash); how many there were."""
    status = await conn.execute("DELETE FROM outbox WHERE message_id = ANY($1::uuid[])", message_ids)
    return int(status.split()[-1])


async def park(conn: asyncpg.Connection, row_id: int, reason: str) -> None:
    """Move a row the broker refuses for good out of the way, with the reason."""
    await conn.execute(
        "WITH gone AS (DELETE FROM outbox WHERE id = $1 RETURNING *) "
        "INSERT INTO outbox_parked (id, message_id, topic, key, value, headers, created_at, reason) "
        "SELECT id, message_id, topic, key, value, headers, created_at, $2 FROM gone", row_id, reason)


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
        "SELECT (SELECT count(*) FROM outbox) AS rows, "
        "(SELECT extract(epoch FROM now() - min(created_at)) FROM outbox) AS age, "
        "(SELECT count(*) FROM outbox_parked) AS parked")
    return int(row["rows"]), float(row["age"] or 0), int(row["parked"])


async def parked_count(conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM outbox_parked")
    return count


async def redrive(conn: asyncpg.Connection, row_id: int) -> bool:
    """Put a parked row back in the outbox (as a new row: it leaves after what is there now; same
    message id, so a consumer that has it already drops it); False if there is no such row."""
    status = await conn.execute(
        "WITH back AS (DELETE FROM outbox_parked WHERE id = $1 RETURNING *) "
        "INSERT INTO outbox (message_id, topic, key, value, headers, created_at) "
        "SELECT message_id, topic, key, value, headers, created_at FROM back", row_id)
    if status.endswith(" 0"):
        return False
    await conn.execute(f"SELECT pg_notify({OUTBOX_CHANNEL}, '')")
    return True
