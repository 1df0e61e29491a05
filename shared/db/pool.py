"""Connection pools bound to one service's schema."""
from __future__ import annotations

import json

import asyncpg


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to undo when a connection goes back to the pool: no code leaves session state on a
    pooled connection (the relay's advisory lock and LISTEN and the migrator's lock are released
    by the code that took them; ``search_path`` is the pool's own). asyncpg still rolls back an
    open transaction; what this saves is the reset query's round trip on every release."""


async def create_pool(url: str, schema: str, *, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections see ``schema`` first (each service owns one schema)."""
    return await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        server_settings={"search_path": f"{schema},public", "application_name": f"cbec-{schema}"},
        init=_init_connection,
        reset=_keep_session,
    )
