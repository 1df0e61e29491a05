"""The return and summary messages (CEB213/215/701) and their receipts (CEB214/216/702, CEB792)
are declared exactly as the official XSD has them, and every receipt we write validates."""
from __future__ import annotations

import json

import jsonschema
import pytest

from shared.messages import decode_message, encode_message, encode_receipt
from shared.messages.catalogue import RECEIPT_SPECS, spec_for
from shared.messages.json_schema import schema_for
from shared.messages.model import Receipt
from shared.messages.official_schema import schema_problems
from shared.messages.receipt_codec import decode_receipt
from shared.messages.xsd_structure import element
from tests.support.customs_samples import corrected_sample


def xsd_fields(name: str) -> list[tuple[str, bool, int | None]]:
    """(name, required, maximum length) of each child of an element of the export schema."""
    out = []
    for child in element(name).children:
        facets = child.facets
        length = (facets.max_length or facets.length) if facets is not None and facets.base == "string" else None
        out.append((child.name, child.min_occurs > 0, length))
    return out


def ours(fields) -> list[tuple[str, bool, int | None]]:
    return [(f.name, f.required, f.max_length) for f in fields]


def comparable(xsd: list[tuple[str, bool, int | None]], mine: list[tuple[str, bool, int | None]]):
    # numbers (int/decimal) have totalDigits, not a length: compare name and required-ness only
    return [(n, r, length if x is not None else None) for (n, r, length), (_, _, x) in zip(mine, xsd)]


@pytest.mark.parametrize("code, head, item", [
    ("CEB213", "InvtRefundHead", "InvtRefundList"),
    ("CEB215", "InvtRefundDetail", None),
    ("CEB701", "SummaryApplyHead", "SummaryApplyList"),
])
def test_messages_have_the_xsds_fields(code, head, item):
    doc = spec_for(code).document
    xsd = xsd_fields(head)
    assert comparable(xsd, ours(doc.head_fields)) == xsd
    if item:
        xsd = xsd_fields(item)
        assert comparable(xsd, ours(doc.item_fields)) == xsd


@pytest.mark.parametrize("code", ["CEB214", "CEB216", "CEB702", "CEB792"])
def test_receipts_have_the_xsds_fields_and_validate(code):
    spec = RECEIPT_SPECS[code]
    xsd = xsd_fields(spec.element)
    assert comparable(xsd, ours(spec.fields)) == xsd
    values = {"guid": "0F1E2D3C-4B5A-4968-8776-655443322110", "returnStatus": "2",
              "returnTime": "20261201101500123", "returnInfo": "[Code:0000;Desc:accepted]",
              "msgSeqNo": "1", "msgCount": "1", "grossWeight": "1.5", "netWeight": "1.2",
              "opDate": "20261201101500123", "customsCode": "2992"}
    fields = {f.name: values.get(f.name, "X" * (f.max_length if f.max_length <= 18 else 5))
              for f in spec.fields}
    receipt = Receipt(message_type=code, guid="1F1E2D3C-4B5A-4968-8776-655443322110", fields=fields)
    xml = encode_receipt(receipt, "xml")
    assert schema_problems(xml) == []
    jsonschema.validate(json.loads(encode_receipt(receipt, "json")), schema_for(spec.root))
    for fmt in ("xml", "json"):
        back = decode_receipt(encode_receipt(receipt, fmt))
        assert back.fields == fields


@pytest.mark.parametrize("code", ["CEB213", "CEB215", "CEB701"])
def test_the_customs_samples_decode_once_corrected(code):
    message, _ = decode_message(corrected_sample(code))
    assert message.message_type == code and len(message.documents) == 1
    assert schema_problems(corrected_sample(code)) == []
    assert schema_problems(encode_message(message, "xml")) == []
    jsonschema.validate(json.loads(encode_message(message, "json")), schema_for(f"{code}Message"))


def test_a_summary_refused_before_customs_numbered_it_is_still_schema_valid():
    from shared.contracts import Recipient
    from shared.receipts import receipt_for

    head = decode_message(corrected_sample("CEB701"))[0].document.head
    issued = receipt_for("CEB701", head, status="100", return_info="[Code:2110;Desc:...]",
                         recipients=[Recipient(dxp_id="DXPENT0000000001")], issued_by="gateway")
    assert issued.fields["sumNo"] == "" and len(issued.fields["preNo"]) == 18
    for fmt in ("xml", "json"):
        body = encode_receipt(Receipt(message_type="CEB702", guid=issued.receipt_id.upper(), fields=issued.fields), fmt)
        if fmt == "xml":
            assert schema_problems(body) == [] and b"sumNo" not in body
        else:
            jsonschema.validate(json.loads(body), schema_for("CEB702Message"))
