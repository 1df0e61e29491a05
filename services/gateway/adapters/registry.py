"""The enterprise registry in the gateway's schema."""
from __future__ import annotations

import asyncpg

from ..domain.enterprise import Enterprise


def _row(r: asyncpg.Record) -> Enterprise:
    return Enterprise(code=r["code"], name=r["name"], dxpId=r["dxp_id"], roles=list(r["roles"]))


async def upsert(conn: asyncpg.Connection, e: Enterprise) -> bool:
    """Register or update; True when it is new."""
    row = await conn.fetchrow(
        "INSERT INTO enterprises (code, name, dxp_id, roles) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, dxp_id = EXCLUDED.dxp_id, "
        "roles = EXCLUDED.roles, updated_at = now() RETURNING (xmax = 0) AS inserted",
        e.code, e.name, e.dxpId, e.roles,
    )
    return bool(row["inserted"])


async def get(conn: asyncpg.Connection, code: str) -> Enterprise | None:
    r = await conn.fetchrow("SELECT code, name, dxp_id, roles FROM enterprises WHERE code = $1", code)
    return _row(r) if r else None


async def by_dxp_id(conn: asyncpg.Connection, dxp_id: str) -> Enterprise | None:
    r = await conn.fetchrow("SELECT code, name, dxp_id, roles FROM enterprises WHERE dxp_id = $1", dxp_id)
    return _row(r) if r else None


async def by_dxp_ids(conn: asyncpg.Connection, dxp_ids: list[str]) -> dict[str, Enterprise]:
    rows = await conn.fetch("SELECT code, name, dxp_id, roles FROM enterprises WHERE dxp_id = ANY($1::text[])", dxp_ids)
    return {r["dxp_id"]: _row(r) for r in rows}


async def all_(conn: asyncpg.Connection) -> list[Enterprise]:
    rows = await conn.fetch("SELECT code, name, dxp_id, roles FROM enterprises ORDER BY code")
    return [_row(r) for r in rows]
