"""The inbox: which messages a consumer has already applied."""
from __future__ import annotations

import asyncpg


async def claim(conn: asyncpg.Connection, consumer: str, message_ids: list[str]) -> set[str]:
    """Record the ids in the caller's transaction; return those not seen before."""
    if not message_ids:
        return set()
    rows = await conn.fetch(
        "INSERT INTO inbox (consumer, message_id) SELECT $1, unnest($2::text[]) "
        "ON CONFLICT DO NOTHING RETURNING message_id",
        consumer,
        message_ids,
    )
    return {r["message_id"] for r in rows}
