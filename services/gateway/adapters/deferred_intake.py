"""The gateway's queue of messages deferred by the per-sender quota."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import asyncpg

from shared.kafka.received import RawRecord, Record


def _headers(record: RawRecord) -> list[list[str]]:
    return [[k, base64.b64encode(v or b"").decode()] for k, v in record.headers or ()]


async def add(conn: asyncpg.Connection, sender_records: list[tuple[str, RawRecord]]) -> None:
    if not sender_records:
        return
    # one statement for the batch (a flood defers hundreds at a time)
    await conn.execute(
        'INSERT INTO deferred_intake (sender, topic, partition, "offset", key, value, headers) '
        "SELECT s, t, p, o, k, v, h::jsonb FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], "
        "$5::bytea[], $6::bytea[], $7::text[]) AS u(s, t, p, o, k, v, h)",
        [s for s, _ in sender_records], [r.topic for _, r in sender_records],
        [r.partition for _, r in sender_records], [r.offset for _, r in sender_records],
        [r.key for _, r in sender_records], [r.value for _, r in sender_records],
        [json.dumps(_headers(r)) for _, r in sender_records])


async def with_backlog(conn: asyncpg.Connection, senders: list[str]) -> set[str]:
    if not senders:
        return set()
    rows = await conn.fetch("SELECT DISTINCT sender FROM deferred_intake WHERE sender = ANY($1::text[])", senders)
    return {r["sender"] for r in rows}


async def over(conn: asyncpg.Connection, senders: list[str], backlog: int) -> set[str]:
    """Those of ``senders`` with at least ``backlog`` deferred messages."""
    if not senders:
        return set()
    rows = await conn.fetch("SELECT sender FROM deferred_intake WHERE sender = ANY($1::text[]) GROUP BY sender "
                            "HAVING count(*) >= $2", senders, backlog)
    return {r["sender"] for r in rows}


async def waiting_senders(conn: asyncpg.Connection) -> list[str]:
    """Senders with deferred messages, the longest waiting first."""
    rows = await conn.fetch("SELECT sender FROM deferred_intake GROUP BY sender ORDER BY min(id)")
    return [r["sender"] for r in rows]


@dataclass
class Deferred:
    id: int
    record: Record  # as it was read from Kafka


async def take(conn: asyncpg.Connection, sender: str, limit: int) -> list[Deferred]:
    """The sender's oldest deferred messages (the caller deletes them in its transaction)."""
    rows = await conn.fetch('SELECT id, topic, partition, "offset", key, value, headers FROM deferred_intake '
                            "WHERE sender = $1 ORDER BY id LIMIT $2", sender, limit)
    out = []
    for r in rows:
        headers = [(k, base64.b64decode(v)) for k, v in r["headers"]]
        out.append(Deferred(r["id"], Record(r["topic"], r["partition"], r["offset"], r["key"], r["value"], headers)))
    return out


async def remove(conn: asyncpg.Connection, ids: list[int]) -> None:
    await conn.execute("DELETE FROM deferred_intake WHERE id = ANY($1::bigint[])", ids)


async def depth(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM deferred_intake")
