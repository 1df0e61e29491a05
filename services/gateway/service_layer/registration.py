"""Registering an enterprise: stored in the registry and announced on ``cbec.enterprises``."""
from __future__ import annotations

import asyncpg

from shared.config import Settings
from shared.contracts import EnterpriseRegistered
from shared.db.outbox import OutgoingMessage, add_to_outbox
from shared.kafka import topics

from ..adapters import registry
from ..domain.enterprise import Enterprise


class DxpIdTaken(Exception):
    pass


async def register(pool: asyncpg.Pool, settings: Settings, enterprise: Enterprise) -> bool:
    async with pool.acquire() as conn, conn.transaction():
        holder = await registry.by_dxp_id(conn, enterprise.dxpId)
        if holder is not None and holder.code != enterprise.code:
            raise DxpIdTaken(f"DXP id {enterprise.dxpId} already belongs to enterprise {holder.code}")
        created = await registry.upsert(conn, enterprise)
        event = EnterpriseRegistered(code=enterprise.code, name=enterprise.name, dxp_id=enterprise.dxpId,
                                     roles=list(enterprise.roles))
        await add_to_outbox(conn, [OutgoingMessage.of(settings.topic(topics.ENTERPRISES), enterprise.code, event)])
    return created
