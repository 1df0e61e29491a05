"""The relay's hold on its service's outbox: one relay per service publishes at a time (a
session-level advisory lock ``relay:<service>``, released when its connection ends), and it
listens on the schema's outbox channel (``shared.db.outbox.OUTBOX_CHANNEL``) to be woken."""
from __future__ import annotations

import asyncpg

from shared.db.outbox import OUTBOX_CHANNEL


async def try_hold(conn: asyncpg.Connection, service: str) -> bool:
    """Take the service's relay lock on ``conn`` if no other session holds it; whether it did."""
    return bool(await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", f"relay:{service}"))


async def release(conn: asyncpg.Connection, service: str) -> None:
    await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", f"relay:{service}")


async def outbox_channel(conn: asyncpg.Connection) -> str:
    """The name of the channel the outbox's writers notify (per schema)."""
    return str(await conn.fetchval(f"SELECT {OUTBOX_CHANNEL}"))
