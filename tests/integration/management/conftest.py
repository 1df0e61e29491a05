"""Management's handlers against the real PostgreSQL, fed with declarations as the gateway makes them."""
from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import pytest

from services.management.domain.risk import RiskEngine, RiskRules
from services.management.service_layer import officer
from services.management.service_layer.declarations import Declarations
from services.management.settings import ManagementSettings
from shared.contracts import Declaration, ReceiptIssued, Recipient, contract_decoder
from shared.db.migrator import apply_migrations
from shared.db.pool import create_pool
from shared.db.unit_of_work import UnitOfWork, units_of_work
from shared.kafka import topics
from shared.kafka.received import Received, Record, receive
from shared.messages import decode_message
from shared.receipts import info, receipt_for
from tests.support.receipt_checks import check_issued

SENDERS = {"CEB303": ("DXPENT0000000002", "3301960002"), "CEB403": ("DXPENT0000000002", "3301960002"),
           "CEB505": ("DXPENT0000000003", "3301980003"), "CEB509": ("DXPENT0000000003", "3301980003"),
           "CEB507": ("DXPENT0000000004", "3301970004")}
AGENT = ("DXPENT0000000001", "3301960001")
_offsets = itertools.count()
_read_declaration = contract_decoder([topics.DECLARATIONS])


def received(declaration: Declaration) -> Received[Declaration]:
    """A declaration as management's consumer hands it over: its JSON on the topic, decoded by the
    topic's contract."""
    record = Record(topics.DECLARATIONS, 0, next(_offsets), None, declaration.model_dump_json().encode())
    return receive(record, _read_declaration(record))


@dataclass
class Seen:
    message_type: str
    key: str
    status: str
    info: str
    fields: dict
    to: list[str]


class Desk:
    """Sends a message's declaration through management's handler in one transaction, like the consumer."""

    def __init__(self, pool: asyncpg.Pool, rules: RiskRules) -> None:
        self.pool = pool
        self.declarations = Declarations(ManagementSettings.from_env({}), RiskEngine(rules), rules)
        self.serial = 0

    def declaration(self, body: bytes) -> Declaration:
        message = decode_message(body)[0]
        dxp, code = SENDERS.get(message.message_type, AGENT)
        acceptance = []
        for doc in message.documents:
            self.serial += 1
            acceptance.append(receipt_for(message.message_type, doc.head, status="2",
                                          return_info=info("0000", "accepted by the clearance service platform"),
                                          recipients=[Recipient(dxp_id=dxp, format=message.format)],
                                          issued_by="gateway", overrides={"preNo": f"B20261128{self.serial:09d}"}))
        return Declaration(message=message, sender_dxp_id=dxp, sender_code=code, received_at=datetime.now(UTC),
                           acceptance=acceptance, trace_id=str(uuid.uuid4()))

    async def send(self, body: bytes) -> list[Seen]:
        async with self.pool.acquire() as conn, UnitOfWork(conn) as batch:
            await self.declarations.handle([received(self.declaration(body))], batch)
        return [self._seen(m.value) for m in batch.outgoing]

    async def act(self, operator: str, action) -> tuple[object, list[Seen]]:
        """An officer's action in a unit of work of its own, as the operator API runs it."""
        async with units_of_work(self.pool)() as uow:
            outcome = await action(self.declarations.clearance(uow, actor=operator))
        return outcome, [self._seen(m.value) for m in uow.outgoing]

    async def approve(self, application_id: int, operator: str = "officer-7"):
        return await self.act(operator, lambda cl: officer.approve(cl, application_id, "ok"))

    async def refuse(self, application_id: int, reason: str, operator: str = "officer-7"):
        return await self.act(operator, lambda cl: officer.refuse(cl, application_id, reason))

    async def inspect(self, task_id: int, passed: bool, finding: str = "", operator: str = "officer-7"):
        return await self.act(operator, lambda cl: officer.record_inspection(cl, task_id, passed, finding))

    async def fetchval(self, sql: str, *args):
        async with self.pool.acquire() as conn:
            return await conn.fetchval(sql, *args)

    @staticmethod
    def _seen(value: bytes) -> Seen:
        r = check_issued(ReceiptIssued.model_validate_json(value))
        return Seen(r.message_type, r.business_key, r.fields["returnStatus"], r.fields.get("returnInfo", ""),
                    r.fields, [x.dxp_id for x in r.recipients])


def statuses(seen: list[Seen]) -> list[tuple[str, str, str]]:
    return [(s.message_type, s.key, s.status) for s in seen]


@pytest.fixture
async def management_pool(database_url):
    schema = f"m_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    await apply_migrations(conn, schema, "services.management.migrations")
    await conn.close()
    pool = await create_pool(database_url, schema, min_size=1, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture
async def desk(management_pool) -> Desk:
    return Desk(management_pool, RiskRules.load())
