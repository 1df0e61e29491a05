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

from ..adapters import credential_store, registry
from ..settings import GatewaySettings


class UnknownEnterprise(Exception):
    pass


async def issue(units: UnitsOfWork, auth: Authenticator, *, role: str, name: str, dxp_id: str | None,
                ttl_days: float, issued_by: str) -> Issued:
    async with units() as uow:
        conn = uow.conn
        if role == "enterprise" and (dxp_id is None or await registry.by_dxp_id(conn, dxp_id) is None):
            raise UnknownEnterprise(f"no registered enterprise with DXP id {dxp_id}")
        issued = auth.issue(role, name, dxp_id, timedelta(days=ttl_days))
        await credential_store.add(conn, issued, token_digest(issued.token), issued_by)
    return issued


def _shown(r: asyncpg.Record) -> dict:
    return {"tokenId": r["token_id"], "role": r["role"], "name": r["name"], "dxpId": r["dxp_id"],
            "issuedBy": r["issued_by"], "issuedAt": r["issued_at"].isoformat(),
            "expiresAt": r["expires_at"].isoformat(),
            "revokedAt": r["revoked_at"].isoformat() if r["revoked_at"] else None,
            "revokedBy": r["revoked_by"], "revokeReason": r["revoke_reason"]}


async def listed(pool: asyncpg.Pool, *, offset: int = 0, limit: int = 100, revoked: bool | None = None,
                 dxp_id: str | None = None) -> dict:
    """A page of the issued credentials, oldest first (never the tokens): ``{"total", "items"}``."""
    async with pool.acquire() as conn:
        total, rows = await credential_store.page(conn, revoked=revoked, dxp_id=dxp_id, offset=offset, limit=limit)
    return {"total": total, "items": [_shown(r) for r in rows]}


async def revoke(units: UnitsOfWork, settings: GatewaySettings, token_id: str, *, revoked_by: str,
                 reason: str = "") -> dict | None:
    """Revoke one credential (again: unchanged, the first revocation stands); None if no such one."""
    async with units() as uow:
        conn = uow.conn
        row = await credential_store.locked(conn, token_id)
        if row is None:
            return None
        if row["revoked_at"] is not None:
            return _shown(row)
        row = await credential_store.mark_revoked(conn, token_id, datetime.now(UTC), revoked_by, reason or None)
        revoked = CredentialRevoked(token_id=token_id, revoked_at=row["revoked_at"], revoked_by=revoked_by,
                                    expires_at=row["expires_at"])
        await revoked_credentials.record(conn, [revoked])
        uow.emit(credential_revocations.announcement(settings.topic(topics.CREDENTIALS), revoked))
    return _shown(row)
