"""appStatus 1 (暂存): the gateway keeps the draft, answers returnStatus 1 and forwards nothing;
the later declaration (appStatus 2) of the same document is what goes on, and supersedes it."""
from __future__ import annotations

import uuid

import pytest

from shared.messages import encode_message
from tests.fixtures.gateway import message

pytestmark = pytest.mark.integration

AGENT = "DXPENT0000000001"


def list_body(app_status: str, fmt: str = "xml", *, cop_no: str = "AG20261128000001", note: str = "") -> bytes:
    m = message("CEB603")
    m.guid = str(uuid.uuid4()).upper()
    m.document.head.update(appStatus=app_status, copNo=cop_no, guid=str(uuid.uuid4()).upper(),
                           **({"note": note} if note else {}))
    return encode_message(m, fmt)


async def draft_row(rig, cop_no: str = "AG20261128000001"):
    async with rig.pool.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM drafts WHERE business_key = $1", f"3301960001/{cop_no}")
    assert len(rows) <= 1
    return rows[0] if rows else None


async def test_a_draft_is_kept_answered_1_and_not_forwarded(rig_factory):
    rig = rig_factory(CBEC_SIGNATURE_MODE="required")  # drafts may be unsigned
    out = await rig.send(AGENT, list_body("1"))
    assert out.declarations == []
    (receipt,) = out.receipts
    assert receipt.message_type == "CEB604" and receipt.fields["returnStatus"] == "1"
    assert "电子口岸已暂存" in receipt.fields["returnInfo"]
    assert receipt.business_key == "AG20261128000001"
    row = await draft_row(rig)
    assert row["declared_guid"] is None and row["message_type"] == "CEB603"


async def test_a_later_draft_replaces_it_and_the_declaration_supersedes_it(rig):
    await rig.send(AGENT, list_body("1", note="first"))
    await rig.send(AGENT, list_body("1", "json", note="second"))
    row = await draft_row(rig)
    assert '"second"' in row["head"] and row["format"] == "json"
    out = await rig.send(AGENT, list_body("2"))
    (declaration,) = out.declarations
    assert out.receipts == []
    assert declaration.acceptance[0].fields["returnStatus"] == "2"
    row = await draft_row(rig)
    assert row["declared_guid"] == declaration.message.document.get("guid")
    assert row["declared_at"] is not None


async def test_draft_and_declaration_in_one_batch(rig):
    from tests.integration.gateway.conftest import record

    out = await rig.feed(record(AGENT, list_body("1")), record(AGENT, list_body("2")),
                         record(AGENT, list_body("1", cop_no="AG20261128000009")))
    assert [r.fields["returnStatus"] for r in out.receipts] == ["1", "1"]
    assert len(out.declarations) == 1
    assert (await draft_row(rig))["declared_guid"] == out.declarations[0].message.document.get("guid")
    assert (await draft_row(rig, "AG20261128000009"))["declared_guid"] is None


async def test_in_a_message_of_several_lists_only_the_declared_go_on(rig):
    m = message("CEB603")
    second = m.documents[0].model_copy(deep=True)
    second.head.update(copNo="AG20261128000002", guid="7A6B9E2C-1F0D-4E55-9C1B-3D2E8F6A0B12", appStatus="1")
    m.documents.append(second)
    out = await rig.send(AGENT, encode_message(m, "xml"))
    (declaration,) = out.declarations
    assert [d.head["copNo"] for d in declaration.message.documents] == ["AG20261128000001"]
    assert [(r.business_key, r.fields["returnStatus"]) for r in out.receipts] == [("AG20261128000002", "1")]
