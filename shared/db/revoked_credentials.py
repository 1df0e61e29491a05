"""The revoked credentials a service knows (its schema's ``revoked_credentials``; see
``shared/credential_revocations.py``)."""
from __future__ import annotations

import asyncpg

from shared.contracts import CredentialRevoked


async def record(conn: asyncpg.Connection, revoked: list[CredentialRevoked]) -> None:
    """Write them in the caller's transaction (a token revoked before keeps its first revocation)."""
    if not revoked:
        return
    await conn.execute(
        "INSERT INTO revoked_credentials (token_id, revoked_at, revoked_by, expires_at) "
        "SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::timestamptz[]) "
        "ON CONFLICT (token_id) DO NOTHING",
        [r.token_id for r in revoked], [r.revoked_at for r in revoked], [r.revoked_by for r in revoked],
        [r.expires_at for r in revoked])


async def is_revoked(conn: asyncpg.Connection, token_id: str) -> bool:
    return bool(await conn.fetchval("SELECT true FROM revoked_credentials WHERE token_id = $1", token_id))
