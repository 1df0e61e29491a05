"""Every message the gateway has read, by guid: a retransmission is answered once."""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg

FORMAT_ERROR = "format-error"  # a guid whose message was unreadable may be used again
RECEIVED = "received"


@dataclass(frozen=True)
class Seen:
    content_hash: bytes
    outcome: str


async def earlier_many(conn: asyncpg.Connection, guids: list[str]) -> dict[str, Seen]:
    """What is known of these guids (rows locked for the transaction)."""
    if not guids:
        return {}
    rows = await conn.fetch("SELECT guid, content_hash, outcome FROM messages WHERE guid = ANY($1::text[]) "
                            "ORDER BY guid FOR UPDATE", guids)
    return {r["guid"]: Seen(bytes(r["content_hash"]), r["outcome"]) for r in rows}


async def record_many(conn: asyncpg.Connection, rows: list[tuple[str, bytes, str, str, str]]) -> None:
    """(guid, content hash, sender DXP id, message type, outcome) each, inserted or updated, in one
    statement (a guid appears once: the batch's world keeps one row per guid)."""
    if rows:
        guids, hashes, senders, types, outcomes = (list(c) for c in zip(*rows))
        await conn.execute(_UPSERT, guids, hashes, senders, types, outcomes)


_UPSERT = (
    "INSERT INTO messages (guid, content_hash, sender_dxp_id, message_type, outcome) "
    "SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[], $4::text[], $5::text[]) "
    "ON CONFLICT (guid) DO UPDATE SET content_hash = EXCLUDED.content_hash, sender_dxp_id = EXCLUDED.sender_dxp_id, "
    "message_type = EXCLUDED.message_type, outcome = EXCLUDED.outcome, received_at = now()"
)


async def next_pre_nos(conn: asyncpg.Connection, count: int) -> list[int]:
    rows = await conn.fetch("SELECT nextval('pre_no_seq') AS n FROM generate_series(1, $1)", count)
    return [r["n"] for r in rows]
