"""Messages and receipts rendered as XML or JSON read back as they were."""
from __future__ import annotations

import json

import pytest

from shared.messages import (
    RECEIPT_SPECS,
    FormatError,
    decode_message,
    decode_receipt,
    encode_message,
    encode_receipt,
)
from shared.messages.model import Receipt

from .message_files import SAMPLE_NAMES, content, fixture, sample


@pytest.mark.parametrize("pretty", [False, True], ids=["compact", "pretty"])
@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_round_trips(name, fmt, pretty):
    message, _ = decode_message(sample(name))
    again, _ = decode_message(encode_message(message, fmt, pretty=pretty))
    assert again.format == fmt
    assert content(again) == content(message)


def test_several_documents_round_trip():
    message, _ = decode_message(fixture("CEB603_two_inventories.xml"))
    for fmt in ("xml", "json"):
        assert content(decode_message(encode_message(message, fmt))[0]) == content(message)


def test_xml_output_looks_like_the_samples():
    message, _ = decode_message(sample("CEB603_list.json"))
    text = encode_message(message, "xml", pretty=True).decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<ceb:CEB603Message guid=')
    assert 'xmlns:ceb="http://www.chinaport.gov.cn/ceb"' in text
    assert "    <ceb:InventoryHead>\n      <ceb:guid>" in text
    assert "<ceb:invtNo/>" in text
    assert text.index("<ceb:copNo>") < text.index("<ceb:ieFlag>") < text.index("<ceb:note/>")


def test_json_output_follows_the_mapping():
    message, _ = decode_message(sample("CEB605_cancel.xml"))
    body = json.loads(encode_message(message, "json"))["CEB605Message"]
    assert list(body) == ["guid", "version", "InvtCancel", "BaseTransfer"]
    assert isinstance(body["InvtCancel"], list) and body["InvtCancel"][0]["appType"] == "1"


def test_values_are_escaped():
    message, _ = decode_message(sample("CEB603_list.xml"))
    message.document.head["note"] = 'a < b & "c" > d 丝'
    for fmt in ("xml", "json"):
        assert decode_message(encode_message(message, fmt))[0].document.head["note"] == (
            'a < b & "c" > d 丝'
        )


def test_unknown_fields_are_written_last_so_tests_can_build_bad_variants():
    message, _ = decode_message(sample("CEB509_departure.xml"))
    message.document.head["discount"] = "5"
    raw = encode_message(message, "xml")
    assert raw.index(b"<ceb:note/>") < raw.index(b"<ceb:discount>")
    with pytest.raises(FormatError) as caught:
        decode_message(raw)
    assert caught.value.code == "9011" and "Departure[1]/DepartureHead/discount" in caught.value.reason


def test_unknown_format():
    message, _ = decode_message(sample("CEB509_departure.xml"))
    with pytest.raises(ValueError):
        encode_message(message, "yaml")


def full_receipt(code: str) -> Receipt:
    fields = {field.name: f"{field.name}-value" for field in RECEIPT_SPECS[code].fields}
    if "returnStatus" in fields:
        fields.update(returnStatus="120", returnInfo="[Code:0;Desc:stored <ok> & done]")
    return Receipt(message_type=code, guid="0F1E2D3C-4B5A-4968-8776-655443322110", fields=fields)


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("code", sorted(RECEIPT_SPECS))
def test_every_receipt_round_trips(code, fmt):
    receipt = full_receipt(code)
    assert decode_receipt(encode_receipt(receipt, fmt)) == receipt
    assert decode_receipt(encode_receipt(receipt, fmt, pretty=True)) == receipt


def test_receipt_xml_is_the_platforms_shape():
    receipt = Receipt(
        message_type="CEB604",
        guid="RECEIPT-GUID",
        fields={"guid": "LIST-GUID", "copNo": "AG1", "returnStatus": "2",
                "returnTime": "20261128101500123", "returnInfo": "accepted"},
    )
    assert encode_receipt(receipt, "xml") == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<ceb:CEB604Message guid="RECEIPT-GUID" version="1.0" '
        b'xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:InventoryReturn>'
        b"<ceb:guid>LIST-GUID</ceb:guid><ceb:agentCode/><ceb:copNo>AG1</ceb:copNo><ceb:preNo/>"
        b"<ceb:invtNo/><ceb:ebcCode/><ceb:ebpCode/><ceb:orderNo/><ceb:statisticsFlag/>"
        b"<ceb:returnStatus>2</ceb:returnStatus><ceb:returnTime>20261128101500123</ceb:returnTime>"
        b"<ceb:returnInfo>accepted</ceb:returnInfo></ceb:InventoryReturn></ceb:CEB604Message>\n"
    )


def test_receipt_json_is_the_mapping():
    receipt = Receipt(message_type="CEB900", guid="G", fields={"guid": "X", "returnStatus": "-1"})
    body = json.loads(encode_receipt(receipt, "json"))
    # CEB900 holds one MessageReturn (an object); the other receipts up to 100 (an array)
    assert body == {"CEB900Message": {"guid": "G", "version": "1.0", "MessageReturn": {
        "guid": "X", "returnStatus": "-1", "returnInfo": "", "returnTime": "", "oriCopMsgId": "",
        "oriMessageType": "", "oriBizMessage": ""}}}


def test_fields_not_given_read_back_empty():
    receipt = Receipt(message_type="CEB608", guid="G", fields={"guid": "X", "returnStatus": "899"})
    back = decode_receipt(encode_receipt(receipt, "xml"))
    assert list(back.fields) == [f.name for f in RECEIPT_SPECS["CEB608"].fields]
    assert back.fields["billNo"] == "" and back.fields["returnStatus"] == "899"


def test_a_receipt_field_of_another_type_is_a_bug():
    receipt = Receipt(message_type="CEB608", guid="G", fields={"invtNo": "X"})
    with pytest.raises(ValueError, match="invtNo"):
        encode_receipt(receipt, "xml")
    with pytest.raises(KeyError):
        encode_receipt(Receipt(message_type="CEB603", guid="G", fields={}), "xml")


def test_decode_receipt_rejects_what_is_not_a_receipt():
    for raw, code in [
        (sample("CEB603_list.xml"), "9002"),
        (sample("CEB603_list.json"), "9002"),
        (b"", "9012"),
        (b'<ceb:CEB604Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"/>', "9012"),
        (b'<CEB604Message xmlns="urn:x"/>', "9003"),
    ]:
        with pytest.raises(FormatError) as caught:
            decode_receipt(raw)
        assert caught.value.code == code, raw


def test_decode_receipt_is_strict_about_fields():
    raw = encode_receipt(full_receipt("CEB510"), "xml").replace(
        b"<ceb:returnInfo>", b"<ceb:invtNo/><ceb:returnInfo>"
    )
    with pytest.raises(FormatError) as caught:
        decode_receipt(raw)
    assert caught.value.code == "9011" and "DepartureReturn/invtNo" in caught.value.reason
