"""The credentials the gateway issued (its schema's ``credentials``): never the tokens, only their
SHA-256, and who revoked one, when and why."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from shared.auth import Issued

COLUMNS = "token_id, role, name, dxp_id, issued_by, issued_at, expires_at, revoked_at, revoked_by, revoke_reason"


async def add(conn: asyncpg.Connection, issued: Issued, token_sha256: str, issued_by: str) -> None:
    await conn.execute(
        "INSERT INTO credentials (token_id, token_sha256, role, name, dxp_id, issued_by, expires_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        issued.token_id, token_sha256, issued.role, issued.name, issued.dxp_id, issued_by, issued.expires_at)


async def page(conn: asyncpg.Connection, *, revoked: bool | None, dxp_id: str | None, offset: int,
               limit: int) -> tuple[int, list[asyncpg.Record]]:
    """How many match, and a page of them, oldest first."""
    where = "($1::bool IS NULL OR (revoked_at IS NOT NULL) = $1) AND ($2::text IS NULL OR dxp_id = $2)"
    total = await conn.fetchval(f"SELECT count(*) FROM credentials WHERE {where}", revoked, dxp_id)
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM credentials WHERE {where} "
                            "ORDER BY issued_at, token_id OFFSET $3 LIMIT $4", revoked, dxp_id, offset, limit)
    return total, rows


async def locked(conn: asyncpg.Connection, token_id: str) -> asyncpg.Record | None:
    """The credential, locked for the caller's transaction; None if there is no such one."""
    return await conn.fetchrow(f"SELECT {COLUMNS} FROM credentials WHERE token_id = $1 FOR UPDATE", token_id)


async def mark_revoked(conn: asyncpg.Connection, token_id: str, at: datetime, by: str,
                       reason: str | None) -> asyncpg.Record:
    row: asyncpg.Record = await conn.fetchrow(
        f"UPDATE credentials SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE token_id = $1 "
        f"RETURNING {COLUMNS}", token_id, at, by, reason)
    return row
