"""Every receipt type of the catalogue is the official schema's, field for field, and every receipt
the platform builds validates against it, whatever the document answered held."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from shared.contracts import Recipient
from shared.messages import RECEIPT_SPECS, decode_receipt, encode_receipt
from shared.messages.catalogue import MESSAGE_SPECS
from shared.messages.json_schema import schema_for
from shared.messages.model import Receipt
from shared.messages.official_schema import schema_problems
from shared.messages.xsd_structure import element, root_names
from shared.receipts import format_error_receipt, receipt_for

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "standard" / "samples-export"
RECEIPT_ROOTS = {spec.root for spec in RECEIPT_SPECS.values()}


def _declared(root: str):
    return element(root, "export" if root in root_names("export") else "import")


@pytest.mark.parametrize("code", sorted(RECEIPT_SPECS))
def test_the_catalogue_receipt_is_the_schemas(code):
    spec = RECEIPT_SPECS[code]
    (declared,) = _declared(spec.root).children  # a receipt message holds its receipt elements only
    assert (declared.name, declared.repeated) == (spec.wrapper or spec.element, spec.repeated)
    if spec.wrapper:  # CEB792: SummaryResult holds one SummaryResultHead (and the list we do not send)
        assert [(c.name, c.required, c.repeated) for c in declared.children][0] == (spec.element, True, False)
        declared = declared.child(spec.element)
    ours = [(f.name, f.required, f.min_length, f.max_length, f.format.kind == "integer") for f in spec.fields]
    theirs = []
    for i, child in enumerate(declared.children):
        f = child.facets
        integer = f.base == "int"
        low = f.length if f.length is not None else (f.min_length or (1 if integer else 0))
        high = f.length if f.length is not None else (f.max_length if f.max_length is not None else f.total_digits)
        if f.base == "decimal" and f.fraction_digits:
            high += 1  # the decimal point
        if high is None:  # the one field the schema leaves unbounded (oriBizMessage) has the platform's limit
            high = ours[i][3] if i < len(ours) else None
        theirs.append((child.name, child.required, low, high, integer))
    assert ours == theirs


def json_problems(body: bytes) -> list[str]:
    doc = json.loads(body)
    (root,) = doc
    validator = jsonschema.Draft202012Validator(schema_for(root))
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc)]


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("CEB*Message.xml")
                                        if p.name.removesuffix(".xml") in RECEIPT_ROOTS))
def test_the_customs_receipt_samples_read_and_write_back_valid(name):
    raw = _corrected((SAMPLES / name).read_bytes())
    assert schema_problems(raw) == []
    receipt = decode_receipt(raw)
    status, expected = ("decState", "A") if receipt.message_type == "CEB792" else ("returnStatus", "2")
    assert receipt.further and receipt.fields[status] == expected
    assert schema_problems(encode_receipt(receipt, "xml")) == []
    assert json_problems(encode_receipt(receipt, "json")) == []
    assert decode_receipt(encode_receipt(receipt, "json")) == receipt
    assert decode_receipt(encode_receipt(receipt, "xml")) == receipt


def _corrected(raw: bytes) -> bytes:
    """The samples' defects against the schema, corrected: CEB214's root is named CEB214 and its
    RefundReturn carries an appSenderId the schema does not have; CEB792's SummaryResultList
    lacks the gseqno the schema wants before gnum."""
    raw = raw.replace(b"<ceb:CEB214 ", b"<ceb:CEB214Message ").replace(b"</ceb:CEB214>", b"</ceb:CEB214Message>")
    raw = re.sub(rb"\s*<ceb:appSenderId>[^<]*</ceb:appSenderId>", b"", raw)
    return re.sub(rb"<ceb:gnum>([^<]*)</ceb:gnum>", rb"<ceb:gseqno>\1</ceb:gseqno><ceb:gnum>\1</ceb:gnum>", raw)


HOSTILE = {"guid": "not-a-guid", "copNo": "C" * 80, "preNo": "short", "invtNo": "I" * 40, "billNo": "B" * 99,
           "orderNo": "O" * 99, "statisticsFlag": "AB", "msgSeqNo": "1234567890", "logisticsNo": "L" * 70,
           "agentCode": "A" * 30, "payNo": "P" * 70}


@pytest.mark.parametrize("head", [{}, HOSTILE], ids=["empty", "hostile"])
@pytest.mark.parametrize("answered", sorted(MESSAGE_SPECS))
def test_every_receipt_built_is_schema_valid(answered, head):
    text = "".join(f"[Code:2101;Desc:problem {i} <&>]" for i in range(60))  # longer than returnInfo
    receipt = receipt_for(answered, head, status="100", return_info=text, recipients=[], issued_by="test")
    xml = encode_receipt(Receipt(message_type=receipt.message_type, guid=receipt.receipt_id.upper(),
                                 fields=receipt.fields), "xml")
    assert schema_problems(xml) == []
    assert receipt.fields["returnInfo"].endswith("]")
    body = encode_receipt(Receipt(message_type=receipt.message_type, guid=receipt.receipt_id.upper(),
                                  fields=receipt.fields), "json")
    assert json_problems(body) == []
    spec = RECEIPT_SPECS[receipt.message_type]
    written = json.loads(body)[spec.root][spec.element][0]
    # the XSD's order; an optional fixed-length field without a value (CEB702 sumNo) is left out
    assert list(written) == [f.name for f in spec.fields if f.required or not f.min_length or receipt.fields[f.name]]


def test_a_list_receipt_carries_the_lists_order_and_statistics_flag():
    head = {"guid": "4CDE1CFD-EDED-46B1-946C-B8022E42FC94", "agentCode": "3301960001", "copNo": "AG1",
            "ebcCode": "3301960002", "ebpCode": "3301960003", "orderNo": "ORD-1", "statisticsFlag": "A",
            "customsCode": "2992"}
    receipt = receipt_for("CEB603", head, status="2", return_info="ok", recipients=[], issued_by="test",
                          overrides={"preNo": "B20261201000000001"})
    assert list(receipt.fields) == ["guid", "agentCode", "copNo", "preNo", "invtNo", "ebcCode", "ebpCode",
                                    "orderNo", "statisticsFlag", "returnStatus", "returnTime", "returnInfo"]
    assert (receipt.fields["orderNo"], receipt.fields["statisticsFlag"]) == ("ORD-1", "A")
    assert receipt.fields["preNo"] == "B20261201000000001" and "customsCode" not in receipt.fields


@pytest.mark.parametrize("original_type, expected", [("CEB605", "CEB605Message"), ("", "Unknown")])
def test_the_format_error_receipt_is_message_return(original_type, expected):
    original = b'<?xml version="1.0"?><ceb:CEB605Message guid="x">\xff\x00' + b"y" * 200_000
    receipt = format_error_receipt(original_type=original_type, guid="", return_info="[Code:9001;Desc:bad]",
                                   recipients=[Recipient(dxp_id="DXP")], original=original, cop_msg_id="M-1")
    assert list(receipt.fields) == ["guid", "returnStatus", "returnInfo", "returnTime", "oriCopMsgId",
                                    "oriMessageType", "oriBizMessage"]
    assert receipt.fields["oriMessageType"] == expected and receipt.fields["oriCopMsgId"] == "M-1"
    assert receipt.fields["oriBizMessage"].startswith('<?xml version="1.0"?><ceb:CEB605Message')
    assert receipt.fields["guid"] == receipt.receipt_id.upper()  # the original's guid could not be read
    for fmt in ("xml", "json"):
        body = encode_receipt(Receipt(message_type="CEB900", guid=receipt.receipt_id.upper(),
                                      fields=receipt.fields), fmt)
        assert (schema_problems(body) if fmt == "xml" else json_problems(body)) == []
        assert decode_receipt(body).fields["oriMessageType"] == expected
