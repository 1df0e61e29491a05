"""The sandbox's tables, shared by every service of the stack: the clock's offset and the receipts
held back (``delay``, ``reorder``). Schema ``cbec_sandbox``, made on demand by the first service
that starts in the sandbox and usable by the others' roles (the sandbox never runs secured)."""
from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import asyncpg

from shared.db.outbox import OutgoingMessage

SCHEMA = "cbec_sandbox"
_PREPARE = f"""
SELECT pg_advisory_xact_lock(hashtext('{SCHEMA}'));
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.clock (
    id int PRIMARY KEY CHECK (id = 1),
    offset_s float8 NOT NULL DEFAULT 0,
    moved_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO {SCHEMA}.clock (id) VALUES (1) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS {SCHEMA}.held_receipts (
    id         bigserial PRIMARY KEY,
    service    text NOT NULL,
    outcome    text NOT NULL,
    topic      text NOT NULL,
    key        bytea,
    value      bytea NOT NULL,
    headers    text NOT NULL,
    message_id uuid NOT NULL,
    due_at     timestamptz NOT NULL,  -- on the sandbox clock
    after_next boolean NOT NULL       -- reorder: also released by the next receipt with its key
);
"""
_GRANT = f"""
GRANT USAGE ON SCHEMA {SCHEMA} TO PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO PUBLIC;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO PUBLIC;
"""


async def prepare(conn: asyncpg.Connection) -> None:
    async with conn.transaction():
        await conn.execute(_PREPARE)
        # the tables' creator grants them to the other services' roles (a role that owns none of
        # them grants nothing: PostgreSQL only warns); the schema is deploy/postgres/init.sql's
        await conn.execute(_GRANT)


async def offset(conn: asyncpg.Connection) -> float:
    return float(await conn.fetchval(f"SELECT offset_s FROM {SCHEMA}.clock WHERE id = 1"))


async def advance(conn: asyncpg.Connection, seconds: float) -> float:
    return float(await conn.fetchval(
        f"UPDATE {SCHEMA}.clock SET offset_s = offset_s + $1, moved_at = now() WHERE id = 1 RETURNING offset_s", seconds))


async def hold(conn: asyncpg.Connection, service: str, held: list[tuple[str, OutgoingMessage, datetime, bool]]) -> None:
    """(outcome, message, due on the sandbox clock, released by the next receipt of its key)."""
    if not held:
        return
    await conn.executemany(
        f"INSERT INTO {SCHEMA}.held_receipts (service, outcome, topic, key, value, headers, message_id, due_at, "
        "after_next) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [(service, kind, m.topic, m.key, m.value, json.dumps(m.headers), m.message_id, due, after_next)
         for kind, m, due, after_next in held])


def _message(row: asyncpg.Record) -> OutgoingMessage:
    return OutgoingMessage(row["topic"], row["key"], row["value"], [tuple(h) for h in json.loads(row["headers"])],
                           uuid.UUID(str(row["message_id"])))


async def release_due(conn: asyncpg.Connection, service: str, now: datetime, limit: int = 500) -> list[OutgoingMessage]:
    rows = await conn.fetch(
        f"WITH due AS (DELETE FROM {SCHEMA}.held_receipts WHERE id IN (SELECT id FROM {SCHEMA}.held_receipts "
        "WHERE service = $1 AND due_at <= $2 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING *) "
        "SELECT * FROM due ORDER BY id", service, now, limit)
    return [_message(r) for r in rows]


async def release_after(conn: asyncpg.Connection, service: str, keys: set[tuple[str, bytes | None]]) -> list[OutgoingMessage]:
    """Held ``reorder`` receipts whose key has just had its next receipt."""
    if not keys:
        return []
    topics, kafka_keys = zip(*keys, strict=False)
    rows = await conn.fetch(
        f"WITH due AS (DELETE FROM {SCHEMA}.held_receipts h USING unnest($2::text[], $3::bytea[]) AS k(t, b) "
        "WHERE h.service = $1 AND h.after_next AND h.topic = k.t AND h.key = k.b RETURNING h.*) "
        "SELECT * FROM due ORDER BY id", service, list(topics), list(kafka_keys))
    return [_message(r) for r in rows]


async def held(conn: asyncpg.Connection, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    total = await conn.fetchval(f"SELECT count(*) FROM {SCHEMA}.held_receipts")
    rows = await conn.fetch(
        f"SELECT id, service, outcome, topic, key, headers, due_at, after_next FROM {SCHEMA}.held_receipts "
        "ORDER BY id OFFSET $1 LIMIT $2", offset, limit)
    return total, [{"id": r["id"], "service": r["service"], "outcome": r["outcome"], "topic": r["topic"],
                    "key": (r["key"] or b"").decode("utf-8", "replace"), "headers": dict(json.loads(r["headers"])),
                    "dueAt": r["due_at"].isoformat(), "releasedByNextReceipt": r["after_next"]} for r in rows]
