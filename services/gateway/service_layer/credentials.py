"""Issuing credentials (an admin's act): the token is shown once; only its SHA-256 is kept."""
from __future__ import annotations

from datetime import timedelta

import asyncpg

from shared.auth import Authenticator, Issued, token_digest


class UnknownEnterprise(Exception):
    pass


async def issue(pool: asyncpg.Pool, auth: Authenticator, *, role: str, name: str, dxp_id: str | None,
                ttl_days: float, issued_by: str) -> Issued:
    async with pool.acquire() as conn, conn.transaction():
        if role == "enterprise":
            known = await conn.fetchval("SELECT true FROM enterprises WHERE dxp_id = $1", dxp_id)
            if not known:
                raise UnknownEnterprise(f"no registered enterprise with DXP id {dxp_id}")
        issued = auth.issue(role, name, dxp_id, timedelta(days=ttl_days))
        await conn.execute(
            "INSERT INTO credentials (token_id, token_sha256, role, name, dxp_id, issued_by, expires_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            issued.token_id, token_digest(issued.token), issued.role, issued.name, issued.dxp_id, issued_by,
            issued.expires_at)
    return issued


async def listed(pool: asyncpg.Pool, offset: int = 0, limit: int = 100) -> tuple[int, list[dict]]:
    """How many credentials were issued, and a page of them (oldest first; never the tokens)."""
    async with pool.acquire() as conn:
        total = await conn.fetchval("SELECT count(*) FROM credentials")
        rows = await conn.fetch("SELECT token_id, role, name, dxp_id, issued_by, issued_at, expires_at "
                                "FROM credentials ORDER BY issued_at, token_id OFFSET $1 LIMIT $2", offset, limit)
    return total, [{"tokenId": r["token_id"], "role": r["role"], "name": r["name"], "dxpId": r["dxp_id"],
             "issuedBy": r["issued_by"], "issuedAt": r["issued_at"].isoformat(),
             "expiresAt": r["expires_at"].isoformat()} for r in rows]
