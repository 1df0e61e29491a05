"""Forward-only SQL migrations, one ordered set per service schema.

The shared migrations (outbox, inbox) are applied to every schema first, then the service's own
``NNN_name.sql`` files from its ``migrations`` package. Applied versions are recorded in
``<schema>.schema_migrations``; a PostgreSQL advisory lock serialises concurrent starters.
"""
from __future__ import annotations

from importlib import resources

import asyncpg

SHARED_PACKAGE = "shared.db.migrations"

# Migrations renumbered when two had been given one number (each file keeps its content; a database
# that applied one under its old name has the name changed, not the script applied again).
# "<schema or shared>:<old>" -> "<new>"
RENAMED = {
    "shared:002_retention": "003_retention",
    "shared:003_dead_letter_handling": "004_dead_letter_handling",
    "shared:003_revoked_credentials": "005_revoked_credentials",
    "gateway:005_drafts": "006_drafts",
    "gateway:006_deferred_intake": "007_deferred_intake",
    "gateway:007_credential_revocation": "008_credential_revocation",
    "gateway:008_sender_tokens": "009_sender_tokens",
    "management:003_returns_summaries": "004_returns_summaries",
    "management:004_stuck_lists": "005_stuck_lists",
}


def _scripts(package: str, prefix: str) -> list[tuple[str, str]]:
    files = sorted(
        (f for f in resources.files(package).iterdir() if f.name.endswith(".sql")), key=lambda f: f.name
    )
    return [(f"{prefix}{f.name[:-4]}", f.read_text(encoding="utf-8")) for f in files]


async def apply_migrations(conn: asyncpg.Connection, schema: str, package: str | None) -> list[str]:
    """Apply what is missing; return the versions applied now."""
    scripts = _scripts(SHARED_PACKAGE, "shared:") + (_scripts(package, f"{schema}:") if package else [])
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock(hashtext($1))", f"migrate:{schema}")
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.execute(f'SET search_path TO "{schema}", public')
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        await _rename(conn, schema, package)
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for version, sql in scripts:
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)
            applied_now.append(version)
    finally:
        await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", f"migrate:{schema}")
    return applied_now


async def _rename(conn: asyncpg.Connection, schema: str, package: str | None) -> None:
    """Old names of renumbered migrations in ``schema_migrations`` become their new names."""
    service = package.split(".")[1] if package and package.startswith("services.") else None
    for old, new in RENAMED.items():
        owner, _, old_name = old.partition(":")
        prefix = "shared:" if owner == "shared" else f"{schema}:" if owner == service else None
        if prefix is not None:
            await conn.execute(
                "UPDATE schema_migrations SET version = $2 WHERE version = $1"
                " AND NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $2)",
                prefix + old_name, prefix + new)
