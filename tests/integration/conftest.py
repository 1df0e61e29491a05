from __future__ import annotations

import uuid

import asyncpg
import pytest

from shared.db.migrator import apply_migrations
from shared.db.pool import create_pool


@pytest.fixture
async def service_pool(database_url):
    """A pool on a schema of its own with the shared tables (outbox, inbox, dead letters)."""
    schema = f"s_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    await apply_migrations(conn, schema, None)
    await conn.close()
    pool = await create_pool(database_url, schema, min_size=1, max_size=5)
    yield pool
    await pool.close()
