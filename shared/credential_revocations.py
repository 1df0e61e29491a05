"""Revoked credentials, as every service knows them.

An admin revokes one credential on the gateway (``DELETE /credentials/{tokenId}``); the gateway
writes it to its own ``revoked_credentials`` at once and publishes a ``CredentialRevoked`` on the
compacted ``cbec.credentials`` through its outbox; each service's consumer ``<service>-credentials``
writes it to its schema's ``revoked_credentials`` (inbox, offsets after commit, like every
consumer: several instances of a service share the table). Every authenticated request looks its
token id up there (``Authenticator``'s ``revoked`` check): a revoked token is refused with 401 on
every service, within the time the revocation takes to cross Kafka (well under a second).
"""
from __future__ import annotations

import asyncpg

from shared.contracts import CredentialRevoked
from shared.db import revoked_credentials
from shared.db.outbox import OutgoingMessage
from shared.kafka.consumer import Batch
from shared.kafka.received import Received


async def handle(messages: list[Received[CredentialRevoked]], batch: Batch) -> None:
    """The consumer of ``cbec.credentials`` (a record that is not a ``CredentialRevoked`` is
    dead-lettered by the consumer loop, a tombstone left out)."""
    await revoked_credentials.record(batch.conn, [m.model for m in messages])


def announcement(topic: str, revoked: CredentialRevoked) -> OutgoingMessage:
    return OutgoingMessage.of(topic, revoked.token_id, revoked)


class RevocationList:
    """``is_revoked(token_id)``, asked on every authenticated request."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def is_revoked(self, token_id: str) -> bool:
        async with self._pool.acquire() as conn:
            return await revoked_credentials.is_revoked(conn, token_id)
