"""What an ERP built on the standard sends is read; what the schema refuses gets a CEB900 code
naming the field. Each case is checked against the official schema too, so the two agree."""
from __future__ import annotations

import re

import pytest

from shared.messages import decode_message
from shared.messages.field_checks import check_fields
from shared.messages.official_schema import schema_problems
from tests.fixtures.gateway import raw
from tests.unit.messages.rejection import rejected

SUBSCRIBE = (b"<ceb:BaseSubscribe><ceb:status>ALL</ceb:status><ceb:dxpMode>DXP</ceb:dxpMode>"
             b"<ceb:dxpAddress>DXPENT0000000009</ceb:dxpAddress></ceb:BaseSubscribe>")
EXTEND = (b"<ceb:ExtendMessage><ceb:name>erp</ceb:name><ceb:version>1</ceb:version>"
          b"<ceb:Message><x:any xmlns:x='urn:x'><x:deep/></x:any></ceb:Message></ceb:ExtendMessage>")


def after_base_transfer(message_type: str, extra: bytes) -> bytes:
    return raw(message_type).replace(b"</ceb:BaseTransfer>", b"</ceb:BaseTransfer>" + extra, 1)


def field(message_type: str, name: str, value: str | None) -> bytes:
    """The message with ``name``'s first element set to ``value`` (None: removed)."""
    pattern = re.compile(rb"[ \t]*<ceb:%s(?:/>|>[^<]*</ceb:%s>)\n?" % (name.encode(), name.encode()))
    new = b"" if value is None else f"<ceb:{name}>{value}</ceb:{name}>".encode()
    out, count = pattern.subn(new, raw(message_type), count=1)
    assert count == 1, name
    return out


def accepted(body: bytes) -> None:
    assert schema_problems(body) == []
    message, _ = decode_message(body)
    assert check_fields(message) == []


def refused(body: bytes, code: str, path: str) -> None:
    assert schema_problems(body) != []
    try:
        message, _ = decode_message(body)
    except Exception:
        err = rejected(body, code)
        assert path in err.reason, err.reason
        return
    problems = [(p.code, p.path) for p in check_fields(message)]
    assert (code, path) in problems, problems


@pytest.mark.parametrize("body", [
    after_base_transfer("CEB603", SUBSCRIBE * 5 + EXTEND),
    after_base_transfer("CEB303", EXTEND),
    field("CEB603", "guid", "7a6b9e2c-1f0d-4e55-9c1b-3d2e8f6a0b11"),
    field("CEB603", "copNo", "A" * 30),
    field("CEB603", "ownerCode", "NO"),
    field("CEB403", "payCode", None),  # a cash payment: no payment enterprise, no transaction
    field("CEB403", "payNo", None),
    field("CEB507", "billNo", None),  # a postal arrival
    field("CEB507", "loctNo", None),
    raw("CEB607"),  # its item carries no invtNo: the bill binds the list by logisticsNo
    field("CEB603", "qty1", "12345678901234.12345"),  # N19,5 to the last digit
], ids=["5-BaseSubscribe-and-ExtendMessage", "ExtendMessage", "lower-case-guid", "copNo-30",
        "ownerCode-NO", "cash-no-payCode", "cash-no-payNo", "postal-no-billNo", "no-loctNo",
        "bill-item-without-invtNo", "N19,5"])
def test_what_the_schema_admits_is_read(body):
    accepted(body)


OUT_OF_ORDER = raw("CEB603").replace(b"<ceb:ieFlag>E</ceb:ieFlag>", b"").replace(
    b"<ceb:copNo>", b"<ceb:ieFlag>E</ceb:ieFlag><ceb:copNo>")


@pytest.mark.parametrize("body, code, path", [
    (after_base_transfer("CEB603", SUBSCRIBE * 6), "9011", "CEB603Message/BaseSubscribe"),
    (after_base_transfer("CEB603", SUBSCRIBE.replace(b"<ceb:dxpMode>DXP</ceb:dxpMode>", b"")), "9004",
     "BaseSubscribe[1]/dxpMode"),
    (after_base_transfer("CEB603", EXTEND.split(b"<ceb:Message>")[0] + b"</ceb:ExtendMessage>"), "9004",
     "ExtendMessage/Message"),
    (after_base_transfer("CEB603", EXTEND.replace(b"<ceb:name>erp</ceb:name>", b"")), "9004",
     "ExtendMessage/name"),
    (after_base_transfer("CEB603", EXTEND.replace(b"<ceb:name>erp</ceb:name>", b"").replace(
        b"</ceb:version>", b"</ceb:version><ceb:name>erp</ceb:name>")), "9011", "ExtendMessage/name"),
    (field("CEB603", "copNo", "A" * 31), "9005", "Inventory[1]/InventoryHead/copNo"),
    (field("CEB603", "qty1", "1.123456"), "9006", "Inventory[1]/InventoryList[1]/qty1"),
    (field("CEB603", "gcode", "621410009"), "9006", "Inventory[1]/InventoryList[1]/gcode"),
    (raw("CEB605").replace(b"<ceb:copNo>", b"<ceb:orderNo>B2B-1</ceb:orderNo><ceb:copNo>"), "9011",
     "InvtCancel[1]/orderNo"),
    (field("CEB303", "itemNo", None), "9004", "Order[1]/OrderList[1]/itemNo"),
    (OUT_OF_ORDER, "9011", "Inventory[1]/InventoryHead/copNo"),
    (re.sub(rb'(guid="[^"]+") version="1.0"', rb'\1 version="1.0.0.0.0.0"', raw("CEB509")), "9005", "CEB509Message/@version"),
], ids=["6-BaseSubscribe", "BaseSubscribe-field", "ExtendMessage-without-Message",
        "ExtendMessage-without-name", "ExtendMessage-name-after-version", "copNo-31",
        "6-fraction-digits", "gcode-9-digits", "CEB605-orderNo", "order-item-itemNo", "out-of-order",
        "version-11"])
def test_what_the_schema_refuses_gets_a_ceb900_naming_the_field(body, code, path):
    refused(body, code, path)
