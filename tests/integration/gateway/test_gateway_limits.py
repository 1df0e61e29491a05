"""Nothing a sender does can stop the gateway: what is too large is answered at once with its code,
never left unanswered (docs/verification.md, Limits)."""
from __future__ import annotations

import copy
import hashlib
import json
import uuid

import pytest

from shared.messages import encode_message
from tests.fixtures.gateway import message

from .conftest import dumps

pytestmark = pytest.mark.integration

AGENT = "DXPENT0000000001"
EBC = "DXPENT0000000002"


def guid() -> str:
    return str(uuid.uuid4()).upper()


def bill_part(msg_count: int, seq: int = 1, cop_no: str = "WB-LIMIT-1") -> bytes:
    m = message("CEB607")
    m.guid = guid()
    m.document.head.update(guid=guid(), copNo=cop_no, msgCount=str(msg_count), msgSeqNo=str(seq))
    m.document.items = [dict(m.document.items[0], gnum="1")]
    return encode_message(m, "xml")


async def test_a_bill_of_a_billion_parts_is_refused_at_once(rig):
    out = await rig.send(AGENT, bill_part(999_999_999))
    assert out.codes() == ["2604"] and out.declarations == []
    assert "at most 100 parts" in out.infos[0]
    async with rig.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM bill_parts") == 0


async def test_the_missing_parts_text_fits_a_receipt(rig_factory, gateway_pool):
    """A bill of the most parts allowed, one part sent: the 2601 text names what it can in 1000 characters."""
    from services.gateway.service_layer.part_deadline import PartDeadline
    from shared.db.unit_of_work import units_of_work

    from .conftest import settings_for
    rig = rig_factory(GATEWAY_MAX_PARTS="100000")
    assert (await rig.send(AGENT, bill_part(100_000, cop_no="WB-LIMIT-2"))).receipts == []
    settings = settings_for(gateway_pool.schema, gateway_pool.database_url, GATEWAY_PARTS_TIMEOUT_S="0")
    deadline = PartDeadline(settings, units_of_work(gateway_pool.pool))
    assert await deadline.sweep() == 1
    async with gateway_pool.pool.acquire() as conn:
        value = await conn.fetchval("SELECT value FROM outbox WHERE topic LIKE '%cbec.receipts' "
                                    "ORDER BY batch_id DESC, position DESC LIMIT 1")
    info = json.loads(value)["fields"]["returnInfo"]
    assert info.startswith("[Code:2601;") and 900 < len(info) <= 1000


async def test_a_message_of_too_many_documents_gets_one_answer(rig):
    m = message("CEB303")
    m.guid = guid()
    m.documents = [copy.deepcopy(m.document) for _ in range(101)]
    for i, doc in enumerate(m.documents):
        doc.head.update(guid=guid(), orderNo=f"ORD-LIMIT-{i}")
    out = await rig.send(EBC, encode_message(m, "json"))
    assert [r.message_type for r in out.receipts] == ["CEB900"] and out.declarations == []
    assert out.codes() == ["9011"]


async def test_a_message_whose_declaration_would_not_fit_the_broker_is_answered(rig_factory):
    """A record limit of 84 KiB leaves 20 KiB for a declaration: 40 orders with their acceptance
    receipts take more (the same holds for 4 MiB messages and the 5 MiB broker)."""
    rig = rig_factory(CBEC_MAX_RECORD_BYTES=str(64 * 1024 + 20_000))
    m = message("CEB303")
    m.guid = guid()
    m.documents = [copy.deepcopy(m.document) for _ in range(40)]
    for i, doc in enumerate(m.documents):
        doc.head.update(guid=guid(), orderNo=f"ORD-BIG-{i}")
    raw = encode_message(m, "xml")
    assert len(raw) < 64 * 1024
    out = await rig.send(EBC, raw)
    assert out.declarations == [] and out.codes() == ["9008"], out.infos
    assert "fit" in out.infos[0]


async def test_a_nul_in_a_json_key_is_answered_with_a_storable_text(rig):
    m = json.loads(encode_message(message("CEB603"), "json"))
    m["CEB603Message"]["guid"] = guid()
    m["CEB603Message"]["a\u0000b"] = "1"
    out = await rig.send(AGENT, dumps(m))
    (receipt,) = out.receipts
    assert receipt.message_type == "CEB900" and out.codes() == ["9010"]
    assert "\x00" not in receipt.model_dump_json().replace("\\u0000", "")
    async with rig.pool.acquire() as conn:  # what notification will do with it: store it
        await conn.execute("CREATE TEMP TABLE stored (fields jsonb)")
        await conn.execute("INSERT INTO stored VALUES ($1)", receipt.fields)


async def test_a_dead_letter_never_outgrows_the_broker(rig):
    big = b"<x>" + b"a" * (5 * 1024 * 1024 - 100) + b"</x>"
    out = await rig.send(None, big)
    (dead,) = out.dead_letters
    assert len(dead.value) <= 5 * 1024 * 1024 - 64 * 1024
    headers = dict(dead.headers)
    assert headers["dlq-truncated"].startswith(f"{len(big)} bytes, sha256 {hashlib.sha256(big).hexdigest()}")
    assert headers["dlq-reason"].startswith("missing key")
