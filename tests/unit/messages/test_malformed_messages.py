"""Messages that are not CEB messages, or not shaped like one (9001-9003, 9011, 9012)."""
from __future__ import annotations

import base64

import pytest

from shared.messages import FormatError, decode_message
from shared.messages.errors import ERROR_CODES

from .message_files import fixture, sample
from .rejection import rejected

LIST_XML = sample("CEB603_list.xml")
LIST_JSON = sample("CEB603_list.json")
LIST_GUID = "4CDE1CFD-EDED-46B1-946C-B8022E42FC94"


# 9001 not well-formed ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b"hello", b"<ceb:CEB603Message", b"<a><b></a>", b'{"CEB603Message": ', b"[1, 2]", b"42"],
)
def test_not_xml_or_json(raw):
    rejected(raw, "9001")


def test_json_constants_are_not_numbers():
    rejected(LIST_JSON.replace(b'"120.00"', b"NaN"), "9001")


def test_undeclared_entity_is_not_well_formed():
    rejected(LIST_XML.replace(b"<ceb:note/>", b"<ceb:note>&secret;</ceb:note>", 1), "9001")


# 9002 unknown message type -----------------------------------------------------------------------


def test_unknown_root_xml():
    raw = LIST_XML.replace(b"CEB603Message", b"CEB999Message")
    err = rejected(raw, "9002")
    assert (err.message_type, err.guid, err.format) == ("CEB999", LIST_GUID, "xml")
    assert "CEB999Message" in err.reason


def test_unknown_root_json():
    err = rejected(LIST_JSON.replace(b"CEB603Message", b"CEB999Message"), "9002")
    assert (err.message_type, err.guid, err.format) == ("CEB999", LIST_GUID, "json")


def test_a_receipt_is_not_a_declaration():
    err = rejected(LIST_XML.replace(b"CEB603Message", b"CEB604Message"), "9002")
    assert "receipt" in err.reason


# 9003 namespace ---------------------------------------------------------------------------------


def test_wrong_namespace():
    raw = LIST_XML.replace(b"http://www.chinaport.gov.cn/ceb", b"http://example.com/ceb")
    err = rejected(raw, "9003")
    assert (err.message_type, err.guid) == ("CEB603", LIST_GUID)
    assert "http://www.chinaport.gov.cn/ceb" in err.reason


def test_missing_namespace():
    raw = fixture("CEB603_default_namespace.xml").replace(
        b' xmlns="http://www.chinaport.gov.cn/ceb"', b""
    )
    rejected(raw, "9003")


def test_a_field_in_another_namespace():
    raw = LIST_XML.replace(
        b"<ceb:copNo>AG20261128000001</ceb:copNo>",
        b'<x:copNo xmlns:x="urn:other">AG20261128000001</x:copNo>',
    )
    err = rejected(raw, "9003")
    assert "Inventory[1]/InventoryHead/copNo" in err.reason


# 9011 structure ---------------------------------------------------------------------------------


def test_unknown_element_is_named():
    raw = LIST_XML.replace(b"<ceb:invtNo/>", b"<ceb:invtNo/><ceb:discount>5</ceb:discount>", 1)
    err = rejected(raw, "9011")
    assert "Inventory[1]/InventoryHead/discount" in err.reason
    assert (err.message_type, err.guid, err.format) == ("CEB603", LIST_GUID, "xml")


def test_unknown_item_field_is_named():
    raw = LIST_XML.replace(b"<ceb:gnum>2</ceb:gnum>", b"<ceb:gnum>2</ceb:gnum><ceb:colour/>")
    assert "Inventory[1]/InventoryList[2]/colour" in rejected(raw, "9011").reason


def test_unknown_json_key_is_named():
    err = rejected(LIST_JSON.replace(b'"qty1"', b'"qty3"', 1), "9011")
    assert "Inventory[1]/InventoryList[1]/qty3" in err.reason and err.format == "json"


@pytest.mark.parametrize(
    "old, new",
    [
        (b"<ceb:copNo>AG", b"<ceb:copNo>AG</ceb:copNo><ceb:copNo>AG"),  # repeated field
        (b"</ceb:InventoryHead>", b"</ceb:InventoryHead><ceb:InventoryHead/>"),  # repeated head
        (b"<ceb:note/>\n    </ceb:InventoryHead>", b"<ceb:note><ceb:b/></ceb:note></ceb:InventoryHead>"),
        (b"<ceb:invtNo/>", b"<ceb:invtNo/>stray text"),
        (b"</ceb:BaseTransfer>", b"</ceb:BaseTransfer><ceb:BaseTransfer/>"),
        (b"</ceb:CEB603Message>", b"<ceb:Inventory/></ceb:CEB603Message>"),  # after BaseTransfer
    ],
)
def test_misplaced_xml(old, new):
    rejected(LIST_XML.replace(old, new, 1), "9011")


def test_items_before_the_head():
    raw = fixture("CEB603_compact.xml")
    head_start, head_end = raw.index(b"<ceb:InventoryHead>"), raw.index(b"</ceb:InventoryHead>") + 20
    head = raw[head_start:head_end]
    moved = raw[:head_start] + raw[head_end:].replace(b"</ceb:Inventory>", head + b"</ceb:Inventory>")
    rejected(moved, "9011")


@pytest.mark.parametrize(
    "old, new",
    [
        (b'"appType": "1"', b'"appType": "1", "appType": "2"'),  # duplicate key
        (b'"appType": "1"', b'"appType": true'),
        (b'"appType": "1"', b'"appType": ["1"]'),
        (b'"version": "1.0",', b'"version": "1.0", "extra": 1,'),
        (b'"InventoryList": [', b'"InventoryList": ["x", '),
    ],
)
def test_misplaced_json(old, new):
    assert old in LIST_JSON
    rejected(LIST_JSON.replace(old, new, 1), "9011")


def test_json_root_with_two_keys():
    rejected(b'{"CEB603Message": {}, "CEB604Message": {}}', "9011")


def _envelope(data: str, msg_type: str = "CEB603Message") -> bytes:
    return (
        '<DxpMsg xmlns="http://www.chinaport.gov.cn/dxp"><TransInfo><SenderId>DXPENT0000000001'
        f"</SenderId><MsgType>{msg_type}</MsgType></TransInfo><Data>{data}</Data></DxpMsg>"
    ).encode()


def test_dxp_envelope_problems():
    good = base64.b64encode(LIST_XML).decode()
    assert decode_message(_envelope(good))[1].SenderId == "DXPENT0000000001"
    rejected(_envelope("not*base64!"), "9011")
    rejected(_envelope(good, "CEB607Message"), "9011")
    rejected(_envelope(""), "9012")
    doctype = LIST_XML.replace(b"?>\n", b"?>\n<!DOCTYPE x>\n", 1)
    rejected(_envelope(base64.b64encode(doctype).decode()), "9007")
    rejected(_envelope(good).replace(b"<Data>", b"<Extra/><Data>"), "9011")


# 9012 empty -------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"   \r\n\t", b"\xef\xbb\xbf"])
def test_empty(raw):
    assert rejected(raw, "9012").format == ""


def test_a_message_without_documents():
    start, end = LIST_XML.index(b"  <ceb:Inventory>"), LIST_XML.index(b"  <ceb:BaseTransfer>")
    rejected(LIST_XML[:start] + LIST_XML[end:], "9012")
    rejected(
        b'{"CEB603Message": {"guid": "G", "version": "1.0", "BaseTransfer": {"copCode": "X"}}}',
        "9012",
    )


def test_the_error_table_is_complete():
    assert sorted(ERROR_CODES) == [f"90{n:02d}" for n in range(1, 13)]
    with pytest.raises(ValueError):
        FormatError("1234", "not a code")
