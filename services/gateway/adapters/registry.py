"""The enterprise registry in the gateway's schema."""
from __future__ import annotations

import asyncpg

from ..domain.enterprise import Enterprise


def _row(r: asyncpg.Record) -> Enterprise:
    return Enterprise.model_construct(code=r["code"], name=r["name"], dxpId=r["dxp_id"], roles=list(r["roles"]),
                                      certificate=r["certificate"])


_COLUMNS = "code, name, dxp_id, roles, certificate"


async def lock(conn: asyncpg.Connection) -> None:
    """One registration at a time (until the caller's transaction ends)."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('gateway:registry'))")


async def record_change(conn: asyncpg.Connection, code: str, dxp_id: str, change: str, actor: str) -> None:
    await conn.execute("INSERT INTO registry_changes (code, dxp_id, change, actor) VALUES ($1, $2, $3, $4)",
                       code, dxp_id, change, actor)


async def upsert(conn: asyncpg.Connection, e: Enterprise) -> bool:
    """Register or update; True when it is new."""
    row = await conn.fetchrow(
        "INSERT INTO enterprises (code, name, dxp_id, roles, certificate, certificate_no) "
        "VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, dxp_id = EXCLUDED.dxp_id, "
        "roles = EXCLUDED.roles, certificate = EXCLUDED.certificate, certificate_no = EXCLUDED.certificate_no, "
        "updated_at = now() RETURNING (xmax = 0) AS inserted",
        e.code, e.name, e.dxpId, e.roles, e.certificate, e.certificateNumber,
    )
    return bool(row["inserted"])


async def get(conn: asyncpg.Connection, code: str) -> Enterprise | None:
    r = await conn.fetchrow(f"SELECT {_COLUMNS} FROM enterprises WHERE code = $1", code)
    return _row(r) if r else None


async def by_dxp_id(conn: asyncpg.Connection, dxp_id: str) -> Enterprise | None:
    r = await conn.fetchrow(f"SELECT {_COLUMNS} FROM enterprises WHERE dxp_id = $1", dxp_id)
    return _row(r) if r else None


async def by_dxp_ids(conn: asyncpg.Connection, dxp_ids: list[str]) -> dict[str, Enterprise]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM enterprises WHERE dxp_id = ANY($1::text[])", dxp_ids)
    return {r["dxp_id"]: _row(r) for r in rows}


async def by_codes(conn: asyncpg.Connection, codes: list[str]) -> dict[str, Enterprise]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM enterprises WHERE code = ANY($1::text[])", codes)
    return {r["code"]: _row(r) for r in rows}


async def page(conn: asyncpg.Connection, offset: int, limit: int) -> tuple[int, list[Enterprise]]:
    """How many enterprises are registered, and a page of them by code."""
    total = await conn.fetchval("SELECT count(*) FROM enterprises")
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM enterprises ORDER BY code OFFSET $1 LIMIT $2", offset, limit)
    return total, [_row(r) for r in rows]
