"""A batch handled as sets (waves of new lists and trade documents) gives every list the same
receipts, history and state as the documents handled one by one, each in its own transaction
(a batch of one: a wave of one document, or the document on its own)."""
from __future__ import annotations

import re
import uuid

import asyncpg
import pytest

from services.cli.journey import Journey
from services.management.domain.risk import RiskRules
from services.management.service_layer import declarations as declarations_module
from services.management.service_layer.new_documents import handle_wave
from shared.contracts import ReceiptIssued
from shared.db.migrator import apply_migrations
from shared.db.pool import create_pool
from shared.db.unit_of_work import UnitOfWork
from shared.messages import encode_message

from .conftest import Desk, received

pytestmark = pytest.mark.integration

CHANGE = {1: {"qty": "190", "totalPrice": "16245.00"}}


async def _desk(database_url: str) -> Desk:
    schema = f"m_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    await apply_migrations(conn, schema, "services.management.migrations")
    await conn.close()
    return Desk(await create_pool(database_url, schema, min_size=1, max_size=2), RiskRules.load())


async def _handle(desk: Desk, records: list) -> list[ReceiptIssued]:
    async with desk.pool.acquire() as conn, UnitOfWork(conn) as batch:
        await desk.declarations.handle(records, batch)
    return [ReceiptIssued.model_validate_json(m.value) for m in batch.outgoing]


class Numbers:
    """Customs numbers (invtNo) named by the list they belong to (copNo and platform number), and
    application ids hidden, so two schemas that drew them from their own sequences can be compared."""

    def __init__(self, lists: list) -> None:
        self.names = {r["invt_no"]: f"<invtNo of {r['cop_no']}/{r['pre_no']}>" for r in lists}

    @classmethod
    async def of(cls, desk: Desk) -> Numbers:
        async with desk.pool.acquire() as conn:
            return cls(await conn.fetch("SELECT invt_no, cop_no, pre_no FROM lists"))

    def __call__(self, text: str) -> str:
        text = re.sub(r"\d{8}E\d{9}", lambda m: self.names[m.group(0)], text)
        return re.sub(r"application \d+", "application <n>", text)


def by_key(receipts: list[ReceiptIssued], numbers: Numbers) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for r in receipts:
        fields = {k: numbers(v) for k, v in r.fields.items() if k != "returnTime"}
        out.setdefault(r.business_key, []).append((r.message_type, fields, [x.dxp_id for x in r.recipients],
                                                   r.concerns, r.trace_id))
    return out


async def state(desk: Desk, numbers: Numbers) -> dict:
    async with desk.pool.acquire() as conn:
        lists = await conn.fetch("SELECT id, agent_code, cop_no, pre_no, invt_no, status, waiting_for, version, "
                                 "bill_no, head, items FROM lists ORDER BY agent_code, cop_no, pre_no")
        out = {}
        for row in lists:
            history = await conn.fetch("SELECT event, status, detail, actor FROM list_history WHERE list_id = $1 "
                                       "ORDER BY id", row["id"])
            apps = await conn.fetch("SELECT kind, status, reason FROM applications WHERE list_id = $1 ORDER BY id",
                                    row["id"])
            detail = [(h["event"], h["status"], numbers(str({k: v for k, v in h["detail"].items() if k != "receiptId"})),
                       h["actor"]) for h in history]
            out[(row["cop_no"], row["pre_no"])] = (
                {k: numbers(str(row[k])) for k in row.keys() if k != "id"}, detail, [dict(a) for a in apps])
        for table in ("orders", "waybills", "payments"):
            out[table] = sorted(tuple(r) for r in await conn.fetch(f"SELECT * FROM {table}")
                                if True for r in [tuple(x for k, x in r.items() if not k.endswith("_at"))])
        return out


def other_parcel(j: Journey) -> bytes:
    """The journey's copNo declared again for another order and parcel."""
    message = j.list_document()
    message.document.head.update(orderNo=f"ORD-X{j.stamp}", logisticsNo=f"QT-X{j.stamp}")
    return encode_message(message, "xml")


async def test_a_mixed_batch_as_sets_equals_one_by_one(database_url, monkeypatch):
    sets, single = await _desk(database_url), await _desk(database_url)
    a, b, c, d, waiting, rejected, audited, arrived = (Journey() for _ in range(8))
    try:
        # the same history before the batch, on both schemas: a list waiting for its order and waybill,
        # one audited (to be cancelled), one arrived before its audit concluded (decided by its waybill)
        first = [waiting.list_message(), rejected.list_message(), audited.order_message(), audited.waybill_message(), audited.list_message(),
                 arrived.order_message(), arrived.list_message()]
        then: list[bytes] = []
        for desk in (sets, single):
            seen = [await desk.send(body) for body in first]
            invt, arrived_invt = seen[4][1].fields["invtNo"], seen[6][1].fields["invtNo"]
            then = then or [arrived.bill_message(arrived_invt), arrived.arrival_message()]
            seen = [await desk.send(body) for body in then]
            assert "decided later" in seen[-1][-1].info
        d_weight = {"grossWeight": "42.500"}  # 2.4 % off the list's: manual review
        bodies = [
            a.list_message(), b.list_message(),
            a.list_message(),                                   # the same copNo again: refused
            a.list_message(app_type="2", item_changes=CHANGE),  # modification of a list of this batch
            b.order_message(),                                  # the order of a list of this batch
            waiting.order_message(item_changes=CHANGE),         # disagrees: the waiting list is rejected ...
            waiting.list_message(),                             # ... so its copNo may be declared again
            rejected.order_message(item_changes=CHANGE),        # in one wave: rejects the list, then ...
            rejected.waybill_message(),                         # ... finds no list waiting for it, then ...
            other_parcel(rejected),                             # ... its copNo is declared again, in the same wave
            audited.cancel_message(invt),                       # one by one, in its place
            b.waybill_message(),                                # b concludes its audit
            c.list_message(head={"tradeMode": "9810"}),         # concluded at once
            d.order_message(), d.waybill_message(head=d_weight), d.list_message(),  # manual review
            b.payment_message(), b.order_message(),             # a payment; the order again: refused
            c.list_message(head={"tradeMode": "9810"}),         # the same copNo again, later in the batch
            a.list_message(app_type="3"),                       # refused, one by one
            arrived.waybill_message(),                          # audits an arrived list: decided in its wave
        ]
        records = [received(sets.declaration(body)) for body in bodies]

        waves = []

        async def spy(uow, wave, clearance):
            waves.append(len(wave))
            await handle_wave(uow, wave, clearance)

        monkeypatch.setattr(declarations_module, "handle_wave", spy)
        batched = await _handle(sets, records)
        assert len(waves) > 2 and max(waves) > 3  # sets
        one_by_one = []
        for record in records:
            one_by_one += await _handle(single, [record])

        numbers_sets, numbers_single = await Numbers.of(sets), await Numbers.of(single)
        assert by_key(batched, numbers_sets) == by_key(one_by_one, numbers_single)
        assert sorted(r.business_key for r in batched) == sorted(r.business_key for r in one_by_one)
        assert await state(sets, numbers_sets) == await state(single, numbers_single)
        statuses = {r.business_key: [] for r in batched}
        for r in batched:
            statuses[r.business_key].append(r.fields["returnStatus"])
        assert statuses[a.cop_no] == ["2", "120", "100", "2", "120", "2", "100"]
        assert statuses[b.cop_no] == ["2", "120", "399"]
        assert statuses[waiting.cop_no] == ["100", "2", "120", "100"]
        assert statuses[c.cop_no] == ["2", "120", "399", "100"]
        assert statuses[d.cop_no] == ["2", "120", "300"]
        assert statuses[arrived.cop_no] == ["399", "800"]
        assert statuses[audited.cop_no] == ["2", "399"]
        assert statuses[rejected.cop_no] == ["100", "2", "120"]
        assert statuses[b.order_no] == ["2", "120", "2", "120", "2", "100"]  # order, payment, order again
    finally:
        await sets.pool.close()
        await single.pool.close()


class Counting:
    """A connection that counts the statements sent through it."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn, self.statements = conn, 0

    def __getattr__(self, name: str):
        attr = getattr(self._conn, name)
        if name not in ("execute", "executemany", "fetch", "fetchrow", "fetchval"):
            return attr

        async def counted(*args, **kwargs):
            self.statements += 1
            return await attr(*args, **kwargs)
        return counted


async def _statements(desk: Desk, bodies: list[bytes]) -> tuple[int, list[ReceiptIssued]]:
    records = [received(desk.declaration(body)) for body in bodies]
    async with desk.pool.acquire() as conn:
        counting = Counting(conn)
        async with UnitOfWork(counting) as batch:
            await desk.declarations.handle(records, batch)
    return counting.statements, [ReceiptIssued.model_validate_json(m.value) for m in batch.outgoing]


async def test_a_batch_of_many_lists_takes_as_many_statements_as_a_batch_of_one(database_url):
    """The waves' reads and writes are one statement per kind whatever their size; a bill, its
    arrival and its departure handle their lists as sets too (the decision is recorded per list)."""
    desk = await _desk(database_url)
    try:
        counts = {}
        for n in (1, 30):
            js = [Journey() for _ in range(n)]
            steps = {"orders and waybills": [b for j in js for b in (j.order_message(), j.waybill_message())],
                     "lists": [j.list_message() for j in js]}
            count = {name: (await _statements(desk, bodies))[0] for name, bodies in steps.items()}
            mixed = [Journey() for _ in range(n)]
            count["order, waybill and list each"], _ = await _statements(
                desk, [b for j in mixed for b in (j.order_message(), j.waybill_message(), j.list_message())])
            async with desk.pool.acquire() as conn:
                invt = dict(await conn.fetch("SELECT cop_no, invt_no FROM lists"))
            lists = [(invt[j.cop_no], j.logistics_no) for j in js]
            count["bill"], _ = await _statements(desk, [js[0].bill_message(lists[0][0], lists[1:])])
            count["arrival"], receipts = await _statements(desk, [js[0].arrival_message([j.logistics_no for j in js])])
            assert [r.fields["returnStatus"] for r in receipts if r.message_type == "CEB604"] == ["800"] * n
            count["departure"], receipts = await _statements(desk, [js[0].departure_message()])
            assert [r.fields["returnStatus"] for r in receipts if r.message_type == "CEB604"] == ["899"] * n
            counts[n] = count
        decisions = counts[30].pop("arrival") - counts[1].pop("arrival")
        assert counts[30] == counts[1]
        assert decisions <= 29  # at most one statement more per list decided (its decision's record)
    finally:
        await desk.pool.close()
