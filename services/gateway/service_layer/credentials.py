"""Issuing and revoking credentials (an admin's acts): the token is shown once; only its SHA-256
is kept. A revocation is written to the gateway's own ``revoked_credentials`` (refused here at
once) and announced on ``cbec.credentials`` to every other service (shared/credential_revocations.py)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from shared import credential_revocations
from shared.auth import Authenticator, Issued, token_digest
from shared.contracts import CredentialRevoked
from shared.db import revoked_credentials
from shared.db.unit_of_work import UnitsOfWork
from shared.kafka import topics

from ..settings import GatewaySettings


class UnknownEnterprise(Exception):
    pass


async def issue(units: UnitsOfWork, auth: Authenticator, *, role: str, name: str, dxp_id: str | None,
                ttl_days: float, issued_by: str) -> Issued:
    async with units() as uow:
        conn = uow.conn
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


_COLUMNS = "token_id, role, name, dxp_id, issued_by, issued_at, expires_at, revoked_at, revoked_by, revoke_reason"


def _shown(r: asyncpg.Record) -> dict:
    return {"tokenId": r["token_id"], "role": r["role"], "name": r["name"], "dxpId": r["dxp_id"],
            "issuedBy": r["issued_by"], "issuedAt": r["issued_at"].isoformat(),
            "expiresAt": r["expires_at"].isoformat(),
            "revokedAt": r["revoked_at"].isoformat() if r["revoked_at"] else None,
            "revokedBy": r["revoked_by"], "revokeReason": r["revoke_reason"]}


async def listed(pool: asyncpg.Pool, *, offset: int = 0, limit: int = 100, revoked: bool | None = None,
                 dxp_id: str | None = None) -> dict:
    """A page of the issued credentials, oldest first (never the tokens): ``{"total", "items"}``."""
    where = "($1::bool IS NULL OR (revoked_at IS NOT NULL) = $1) AND ($2::text IS NULL OR dxp_id = $2)"
    async with pool.acquire() as conn:
        total = await conn.fetchval(f"SELECT count(*) FROM credentials WHERE {where}", revoked, dxp_id)
        rows = await conn.fetch(f"SELECT {_COLUMNS} FROM credentials WHERE {where} "
                                "ORDER BY issued_at, token_id OFFSET $3 LIMIT $4", revoked, dxp_id, offset, limit)
    return {"total": total, "items": [_shown(r) for r in rows]}


async def revoke(units: UnitsOfWork, settings: GatewaySettings, token_id: str, *, revoked_by: str,
                 reason: str = "") -> dict | None:
    """Revoke one credential (again: unchanged, the first revocation stands); None if no such one."""
    async with units() as uow:
        conn = uow.conn
        row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM credentials WHERE token_id = $1 FOR UPDATE", token_id)
        if row is None:
            return None
        if row["revoked_at"] is not None:
            return _shown(row)
        row = await conn.fetchrow(
            f"UPDATE credentials SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE token_id = $1 "
            f"RETURNING {_COLUMNS}", token_id, datetime.now(UTC), revoked_by, reason or None)
        revoked = CredentialRevoked(token_id=token_id, revoked_at=row["revoked_at"], revoked_by=revoked_by,
                                    expires_at=row["expires_at"])
        await revoked_credentials.record(conn, [revoked])
        uow.emit(credential_revocations.announcement(settings.topic(topics.CREDENTIALS), revoked))
    return _shown(row)
