"""Every sample decodes, and every harmless variant of a sample decodes to the same message."""
from __future__ import annotations

import pytest

from shared.messages import decode_json, decode_message, decode_transport, decode_xml
from shared.messages.decoding import detect_format

from .message_files import SAMPLE_NAMES, content, fixture, sample


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_decodes(name):
    message, transport = decode_message(sample(name))
    assert transport is None
    assert message.message_type == name.split("_")[0]
    assert message.format == name.rsplit(".", 1)[1]
    assert len(message.guid) == 36 and message.version == "1.0"
    assert message.documents and message.document.head["guid"]
    assert message.base_transfer.dxpMode == "DXP" and message.base_transfer.dxpId
    assert not message.signed


def test_xml_and_json_samples_are_the_same_list():
    from_xml, _ = decode_message(sample("CEB603_list.xml"))
    from_json, _ = decode_message(sample("CEB603_list.json"))
    assert content(from_xml) == content(from_json)
    assert from_json.format == "json"


def test_decoded_values_are_the_strings_sent():
    message, _ = decode_message(sample("CEB603_list.xml"))
    head, items = message.document.head, message.document.items
    assert head["copNo"] == "AG20261128000001"
    assert head["invtNo"] == "" and head["billNo"] == ""  # empty elements
    assert head["freight"] == "120.00" and head["grossWeight"] == "41.500"
    assert [item["gnum"] for item in items] == ["1", "2"]
    assert items[0]["unit"] == "011" and items[0]["unit2"] == ""
    assert message.document.get("copNo") == "AG20261128000001"


@pytest.mark.parametrize(
    "name",
    [
        "CEB603_prefix_ns0.xml",
        "CEB603_default_namespace.xml",
        "CEB603_compact.xml",
        "CEB603_whitespace_crlf_bom.xml",
        "CEB603_numbers.json",
        "CEB603_single_object.json",
    ],
)
def test_variants_decode_to_the_sample(name):
    expected, _ = decode_message(sample("CEB603_list.xml"))
    message, _ = decode_message(fixture(name))
    assert content(message) == content(expected)


def test_dxp_envelope_is_opened():
    expected, _ = decode_message(sample("CEB603_list.xml"))
    message, transport = decode_message(fixture("CEB603_dxp_envelope.xml"))
    assert content(message) == content(expected)
    assert transport.SenderId == "DXPENT0000000001"
    assert transport.ReceiverIds == ["DXPEDCCEB0000002"]
    assert transport.MsgType == "CEB603Message"
    assert transport.CopMsgId == "3F2B8C1E-0D4A-4E5F-9A6B-7C8D9E0F1A2B"
    assert transport.CreatTime == "2026-11-28T10:15:05"
    assert decode_transport(fixture("CEB603_dxp_envelope.xml"))[1] == transport
    assert content(decode_xml(fixture("CEB603_dxp_envelope.xml"))) == content(expected)


def test_several_documents_in_one_message():
    single, _ = decode_message(sample("CEB603_list.xml"))
    message, _ = decode_message(fixture("CEB603_two_inventories.xml"))
    assert [d.head["copNo"] for d in message.documents] == ["AG20261128000001", "AG20261128000002"]
    assert message.documents[0] == single.document
    assert len(message.documents[1].items) == 2


def test_a_signature_marks_the_message_signed():
    unsigned, _ = decode_message(sample("CEB603_list.xml"))
    message, _ = decode_message(fixture("CEB603_signed.xml"))
    assert message.signed
    assert content(message) == content(unsigned)


def test_gbk_declared_messages_are_read():
    raw = (
        sample("CEB603_list.xml")
        .decode()
        .replace('encoding="UTF-8"', 'encoding="GBK"')
        .replace("<ceb:itemName>Silk scarf", "<ceb:itemName>真丝围巾")
        .encode("gbk")
    )
    message, _ = decode_message(raw)
    assert message.document.items[0]["itemName"] == "真丝围巾"


def test_cdata_entities_and_unicode_values():
    raw = sample("CEB603_list.xml").replace(
        b"<ceb:note/>\n    </ceb:InventoryHead>",
        "<ceb:note><![CDATA[a < b]]> &amp; 丝 &#x4E1D;</ceb:note>\n    </ceb:InventoryHead>".encode(),
    )
    message, _ = decode_message(raw)
    assert message.document.head["note"] == "a < b & 丝 丝"


def test_comments_and_processing_instructions_are_ignored():
    raw = sample("CEB607_master_bill.xml").replace(
        b"<ceb:copNo>", b"<!-- the bill --><?erp keep?><ceb:copNo>"
    )
    message, _ = decode_message(raw)
    assert message.document.head["copNo"] == "WB20261128000001"


def test_json_nulls_read_as_empty_and_decimals_keep_their_digits():
    raw = (
        sample("CEB603_list.json")
        .replace(b'"invtNo": ""', b'"invtNo": null')
        .replace(b'"freight": "120.00"', b'"freight": 1.2E+2')
        .replace(b'"netWeight": "38.200"', b'"netWeight": 38.200')
    )
    message = decode_json(raw)
    head = message.document.head
    assert head["invtNo"] == "" and head["freight"] == "120" and head["netWeight"] == "38.200"


def test_format_is_recognised_from_the_content():
    assert detect_format(b"\xef\xbb\xbf  \n<x/>") == "xml"
    assert detect_format(b'\r\n {"a": 1}') == "json"
