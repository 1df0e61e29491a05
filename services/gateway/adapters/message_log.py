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


async def earlier(conn: asyncpg.Connection, guid: str) -> Seen | None:
    row = await conn.fetchrow("SELECT content_hash, outcome FROM messages WHERE guid = $1 FOR UPDATE", guid)
    return Seen(bytes(row["content_hash"]), row["outcome"]) if row else None


async def record(conn: asyncpg.Connection, guid: str, content_hash: bytes, sender: str, message_type: str,
                 outcome: str) -> None:
    await conn.execute(
        "INSERT INTO messages (guid, content_hash, sender_dxp_id, message_type, outcome) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (guid) DO UPDATE SET content_hash = EXCLUDED.content_hash, sender_dxp_id = EXCLUDED.sender_dxp_id, "
        "message_type = EXCLUDED.message_type, outcome = EXCLUDED.outcome, received_at = now()",
        guid, content_hash, sender, message_type, outcome,
    )


async def next_pre_nos(conn: asyncpg.Connection, count: int) -> list[int]:
    rows = await conn.fetch("SELECT nextval('pre_no_seq') AS n FROM generate_series(1, $1)", count)
    return [r["n"] for r in rows]
