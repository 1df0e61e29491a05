"""Every message the gateway has seen, by guid: a retransmission is answered once."""
from __future__ import annotations

import asyncpg


async def record(conn: asyncpg.Connection, guid: str, content_hash: bytes, sender: str,
                 message_type: str, outcome: str) -> bytes | None:
    """Record the guid; return None when it is new, else the hash of the earlier message."""
    row = await conn.fetchrow(
        "WITH ins AS (INSERT INTO messages (guid, content_hash, sender_dxp_id, message_type, outcome) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (guid) DO NOTHING RETURNING 1) "
        "SELECT (SELECT count(*) FROM ins) AS inserted, "
        "(SELECT content_hash FROM messages WHERE guid = $1) AS earlier",
        guid, content_hash, sender, message_type, outcome,
    )
    return None if row["inserted"] else row["earlier"]


async def next_pre_nos(conn: asyncpg.Connection, count: int) -> list[int]:
    rows = await conn.fetch("SELECT nextval('pre_no_seq') AS n FROM generate_series(1, $1)", count)
    return [r["n"] for r in rows]
