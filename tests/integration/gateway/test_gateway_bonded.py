"""A special-zone (bonded) export list through the real gateway: refused with every field it
misses (2112), forwarded once it names its zone enterprise, account book and item records."""
from __future__ import annotations

import uuid

import pytest

from shared.messages import decode_message, encode_message
from tests.fixtures.gateway import raw, sender

pytestmark = pytest.mark.integration


def bonded_list(**head: str) -> tuple[bytes, int]:
    message = decode_message(raw("CEB603"))[0]
    message.guid = str(uuid.uuid4()).upper()
    message.document.head.update(guid=str(uuid.uuid4()).upper(), copNo=f"BD{uuid.uuid4().hex[:10].upper()}",
                                 tradeMode="1210", **head)
    return encode_message(message, "xml"), len(message.document.items)


async def test_a_bonded_list_names_its_zone_enterprise_account_book_and_item_records(rig):
    body, items = bonded_list()
    out = await rig.send(sender("CEB603").dxpId, body)
    assert out.declarations == [] and len(out.receipts) == 1
    text = out.receipts[0].fields["returnInfo"]
    assert text.count("[Code:2112;") == 3 + items
    assert "InventoryHead/iacCode" in text and "InventoryHead/iacName" in text and "InventoryHead/emsNo" in text
    assert "InventoryList[1]/itemRecordNo" in text
    body, _ = bonded_list(iacCode="3301930007", iacName="Zone Warehouse Co.", emsNo="T2992W000001")
    body = body.replace(b"<ceb:itemRecordNo/>", b"<ceb:itemRecordNo>T2992W000001-1</ceb:itemRecordNo>")
    out = await rig.send(sender("CEB603").dxpId, body)
    assert out.receipts == [] and len(out.declarations) == 1
