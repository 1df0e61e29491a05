"""The outbox: messages a service emits, stored with the state change that caused them."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import asyncpg
from pydantic import BaseModel

MESSAGE_ID_HEADER = "cbec-message-id"
TRACE_ID_HEADER = "cbec-trace-id"


@dataclass
class OutgoingMessage:
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    message_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def of(cls, topic: str, key: str | None, value: bytes | BaseModel,
           headers: dict[str, str] | None = None, message_id: uuid.UUID | None = None) -> "OutgoingMessage":
        body = value.__pydantic_serializer__.to_json(value) if isinstance(value, BaseModel) else value
        return cls(
            topic=topic,
            key=key.encode() if key is not None else None,
            value=body,
            headers=list((headers or {}).items()),
            message_id=message_id or uuid.uuid4(),
        )


async def add_to_outbox(conn: asyncpg.Connection, messages: list[OutgoingMessage]) -> None:
    """Insert in the caller's transaction, in one statement; the relay publishes in insertion order."""
    if not messages:
        return
    await conn.execute(
        "INSERT INTO outbox (message_id, topic, key, value, headers) "
        "SELECT u.m, u.t, u.k, u.v, u.h::jsonb "
        "FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::bytea[], $5::text[]) WITH ORDINALITY "
        "AS u(m, t, k, v, h, n) ORDER BY u.n",
        [m.message_id for m in messages],
        [m.topic for m in messages],
        [m.key for m in messages],
        [m.value for m in messages],
        [json.dumps(m.headers) for m in messages],
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
