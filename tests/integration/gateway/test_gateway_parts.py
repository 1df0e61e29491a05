"""Split bills (msgCount/msgSeqNo): collected until complete, checked and forwarded as one;
incomplete ones answered after the timeout naming the missing parts."""
from __future__ import annotations

import json
import uuid

import pytest

from services.gateway.service_layer.part_deadline import PartDeadline
from shared.contracts import ReceiptIssued
from shared.db.unit_of_work import units_of_work
from shared.messages import encode_message
from tests.fixtures.gateway import message

from .conftest import settings_for

pytestmark = pytest.mark.integration

AGENT = "DXPENT0000000001"


def guid() -> str:
    return str(uuid.uuid4()).upper()


def parts(count: int = 3, cop_no: str = "WB-SPLIT-1", fmt: str = "xml", head_changes: dict | None = None) -> list[bytes]:
    """A master bill of ``count`` packages sent as ``count`` parts of one package each."""
    out = []
    for seq in range(1, count + 1):
        m = message("CEB607")
        m.guid = guid()
        m.document.head.update(guid=guid(), copNo=cop_no, msgCount=str(count), msgSeqNo=str(seq),
                               **(head_changes or {}).get(seq, {}))
        item = dict(m.document.items[0], gnum=str(seq), logisticsNo=f"QT-SPLIT-{seq}", invtNo=f"29922026E00000000{seq}")
        m.document.items = [item]
        out.append(encode_message(m, fmt))
    return out


async def test_parts_are_collected_then_forwarded_as_one(rig):
    p1, p2, p3 = parts()
    for p in (p1, p2):
        out = await rig.send(AGENT, p)
        assert out.declarations == [] and out.receipts == []
    out = await rig.send(AGENT, p3)
    assert out.receipts == []
    (declaration,) = out.declarations
    doc = declaration.message.document
    assert [i["logisticsNo"] for i in doc.items] == ["QT-SPLIT-1", "QT-SPLIT-2", "QT-SPLIT-3"]
    assert doc.head["copNo"] == "WB-SPLIT-1" and doc.head["msgCount"] == "3"
    # each part is accepted on its own: its guid, its msgSeqNo, the bill's one platform number
    assert [(r.fields["returnStatus"], r.fields["msgSeqNo"]) for r in declaration.acceptance] == [
        ("2", "1"), ("2", "2"), ("2", "3")]
    assert [r.fields["guid"] for r in declaration.acceptance] == [part["guid"] for part in declaration.parts]
    assert len({r.fields["guid"] for r in declaration.acceptance}) == 3
    assert len({r.fields["preNo"] for r in declaration.acceptance}) == 1


async def test_parts_in_any_order_and_format(rig):
    xml = parts(3, "WB-SPLIT-2")
    js = parts(3, "WB-SPLIT-2", fmt="json")
    assert (await rig.send(AGENT, xml[2])).declarations == []
    assert (await rig.send(AGENT, js[0])).declarations == []
    out = await rig.send(AGENT, xml[1])
    assert len(out.declarations) == 1
    assert [i["gnum"] for i in out.declarations[0].message.document.items] == ["1", "2", "3"]


async def test_a_part_sent_twice_with_a_new_guid_is_rejected(rig):
    p1, p2 = parts(2, "WB-SPLIT-3")
    await rig.send(AGENT, p1)
    again = parts(2, "WB-SPLIT-3")[0]
    out = await rig.send(AGENT, again)
    assert out.codes() == ["2603"]
    assert "msgSeqNo" in out.infos[0]


async def test_parts_that_disagree_are_rejected(rig):
    p1, p2 = parts(2, "WB-SPLIT-4", head_changes={2: {"billNo": "784-OTHER"}})
    await rig.send(AGENT, p1)
    out = await rig.send(AGENT, p2)
    assert out.codes() == ["2602"]
    assert "WayBill[1]/WayBillHead/billNo" in out.infos[0]


async def test_the_whole_bill_is_checked_once_complete(rig):
    p1, p2 = parts(2, "WB-SPLIT-5")
    p2 = p2.replace(b"<ceb:gnum>2</ceb:gnum>", b"<ceb:gnum>1</ceb:gnum>")
    assert (await rig.send(AGENT, p1)).receipts == []
    out = await rig.send(AGENT, p2)
    assert out.declarations == []
    assert out.codes() == ["2101", "2101"]  # each part answered
    assert [r.fields["msgSeqNo"] for r in out.receipts] == ["1", "2"]


async def test_incomplete_bills_are_answered_after_the_timeout(rig, gateway_pool):
    p1, p2, p3 = parts(3, "WB-SPLIT-6")
    await rig.send(AGENT, p1)
    await rig.send(AGENT, p3)
    settings = settings_for(gateway_pool.schema, gateway_pool.database_url, GATEWAY_PARTS_TIMEOUT_S="600")
    woken: list[int] = []
    units = units_of_work(gateway_pool.pool, lambda: woken.append(1))
    assert await PartDeadline(settings, units).sweep() == 0
    settings = settings_for(gateway_pool.schema, gateway_pool.database_url, GATEWAY_PARTS_TIMEOUT_S="0")
    assert woken == []
    assert await PartDeadline(settings, units).sweep() == 1
    assert woken == [1]  # the relay is woken once the answers are committed
    async with gateway_pool.pool.acquire() as conn:
        rows = await conn.fetch("SELECT value FROM outbox WHERE topic LIKE '%cbec.receipts' ORDER BY batch_id, position")
    answered = [ReceiptIssued.model_validate_json(r["value"]) for r in rows[-2:]]
    assert [r.fields["msgSeqNo"] for r in answered] == ["1", "3"]  # each part received, answered
    receipt = answered[-1]
    assert receipt.message_type == "CEB608" and receipt.fields["returnStatus"] == "100"
    info = receipt.fields["returnInfo"]
    assert info.startswith("[Code:2601;Desc:WayBill[1]/WayBillHead/msgSeqNo: parts 2 of 3 of copNo WB-SPLIT-6")
    assert receipt.recipients[0].dxp_id == AGENT
    # the group is gone: a late part starts a new collection instead of completing the old one
    assert await PartDeadline(settings, units).sweep() == 0
    assert (await rig.send(AGENT, p2)).declarations == []


def test_parts_helper_makes_distinct_messages():
    a, b = parts(2)
    assert json.dumps(a.decode()) != json.dumps(b.decode())
