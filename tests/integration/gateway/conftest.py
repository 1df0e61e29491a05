"""The gateway's intake on a real PostgreSQL schema, fed records directly (no broker needed)."""
from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass
from types import SimpleNamespace

import asyncpg
import pytest

from services.gateway.adapters import registry
from services.gateway.service_layer.intake import Intake
from services.gateway.settings import GatewaySettings
from shared.contracts import Declaration, ReceiptIssued
from shared.db.migrator import apply_migrations
from shared.db.pool import create_pool
from shared.kafka.consumer import Batch
from shared.kafka.received import Record
from tests.fixtures.gateway import ENTERPRISES
from tests.support.receipt_checks import check_issued

_offsets = itertools.count()


def record(key: str | bytes | None, value: bytes | None, headers: list | None = None,
           topic: str = "ceb.inbound") -> Record:
    if isinstance(key, str):
        key = key.encode()
    return Record(topic=topic, partition=0, offset=next(_offsets), key=key, value=value, headers=headers or [])


@dataclass
class Out:
    """What one intake batch emitted, sorted by kind."""

    declarations: list[Declaration]
    receipts: list[ReceiptIssued]
    dead_letters: list  # OutgoingMessage

    @property
    def infos(self) -> list[str]:
        return [r.fields["returnInfo"] for r in self.receipts]

    def codes(self) -> list[str]:
        return [part.split(";")[0] for info in self.infos for part in info.split("[Code:")[1:]]


class GatewayRig:
    def __init__(self, pool: asyncpg.Pool, intake: Intake) -> None:
        self.pool = pool
        self.intake = intake

    async def feed(self, *records: Record) -> Out:
        """The records through the intake, typed as the consumer loop types them."""
        async with self.pool.acquire() as conn, conn.transaction():
            batch = Batch(conn)
            await self.intake.handle([self.intake.receive(r) for r in records], batch)
        out = Out([], [], [])
        for m in batch.outgoing:
            if m.topic.endswith("cbec.declarations"):
                out.declarations.append(Declaration.model_validate_json(m.value))
            elif m.topic.endswith("cbec.receipts"):
                out.receipts.append(check_issued(ReceiptIssued.model_validate_json(m.value)))
            else:
                out.dead_letters.append(m)
        return out

    async def send(self, key: str | None, value: bytes | None, headers: list | None = None) -> Out:
        return await self.feed(record(key, value, headers))


def settings_for(schema: str, database_url: str, **env: str):
    return GatewaySettings.from_env({"DATABASE_URL": database_url, "GATEWAY_DB_SCHEMA": schema,
                                     "CBEC_SIGNATURE_MODE": "optional", **env})


@pytest.fixture
async def gateway_pool(database_url):
    schema = f"g_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    await apply_migrations(conn, schema, "services.gateway.migrations")
    await conn.close()
    pool = await create_pool(database_url, schema, min_size=1, max_size=3)
    async with pool.acquire() as c:
        for e in ENTERPRISES.values():
            await registry.upsert(c, e)
    yield SimpleNamespace(pool=pool, schema=schema, database_url=database_url)
    await pool.close()


@pytest.fixture
def rig(gateway_pool) -> GatewayRig:
    return GatewayRig(gateway_pool.pool, Intake(settings_for(gateway_pool.schema, gateway_pool.database_url)))


@pytest.fixture
def rig_factory(gateway_pool):
    def make(**env: str) -> GatewayRig:
        return GatewayRig(gateway_pool.pool, Intake(settings_for(gateway_pool.schema, gateway_pool.database_url, **env)))
    return make


def dumps(obj) -> bytes:
    return json.dumps(obj).encode()
