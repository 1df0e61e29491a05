"""A database migrated before migrations were renumbered keeps its history: nothing is applied twice."""
from __future__ import annotations

import uuid

import asyncpg

from shared.db.migrator import apply_migrations


async def test_a_database_that_applied_a_migration_under_its_old_number_does_not_apply_it_again(database_url):
    schema = f"m_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    try:
        first = await apply_migrations(conn, schema, "services.gateway.migrations")
        assert f"{schema}:006_drafts" in first and "shared:003_retention" in first
        # as a database migrated before the renumbering recorded them
        await conn.execute(f'UPDATE "{schema}".schema_migrations SET version = $1 WHERE version = $2',
                           f"{schema}:005_drafts", f"{schema}:006_drafts")
        await conn.execute(f'UPDATE "{schema}".schema_migrations SET version = $1 WHERE version = $2',
                           "shared:002_retention", "shared:003_retention")
        again = await apply_migrations(conn, schema, "services.gateway.migrations")
        assert again == []  # the drafts table exists already: applying it again would have failed
        versions = {r["version"] for r in await conn.fetch(f'SELECT version FROM "{schema}".schema_migrations')}
        assert {f"{schema}:006_drafts", "shared:003_retention"} <= versions
        assert not {f"{schema}:005_drafts", "shared:002_retention"} & versions
    finally:
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()
