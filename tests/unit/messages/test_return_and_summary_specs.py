"""The return and summary messages (CEB213/215/701) and their receipts (CEB214/216/702, CEB792)
are declared exactly as the official XSD has them, and every receipt we write validates."""
from __future__ import annotations

import pytest
from lxml import etree

from shared.messages import decode_message, encode_receipt
from shared.messages.catalogue import RECEIPT_SPECS, spec_for
from shared.messages.model import Receipt
from shared.messages.official_schema import schema_problems
from shared.messages.receipt_codec import decode_receipt
from tests.support.customs_samples import corrected_sample

XS = "{http://www.w3.org/2001/XMLSchema}"


def xsd_fields(element: str) -> list[tuple[str, bool, int | None]]:
    """(name, required, maximum length) of each child of an element of the export schema."""
    root = etree.parse(_xsd_path()).getroot()
    found = next(e for e in root.findall(XS + "element") if e.get("name") == element)
    out = []
    for child in found.find(f"{XS}complexType/{XS}sequence"):
        facets = {f.tag[len(XS):]: f.get("value") for f in child.iterfind(f"{XS}simpleType/{XS}restriction/*")}
        length = facets.get("maxLength") or facets.get("length")
        out.append((child.get("name"), child.get("minOccurs", "1") != "0", int(length) if length else None))
    return out


def _xsd_path():
    from importlib import resources
    return str(resources.files("shared.messages") / "xsd" / "ceb-export-202205.xsd")


def ours(fields) -> list[tuple[str, bool, int | None]]:
    return [(f.name, f.required, f.max_length) for f in fields]


def comparable(xsd: list[tuple[str, bool, int | None]], mine: list[tuple[str, bool, int | None]]):
    # numbers (int/decimal) have totalDigits, not a length: compare name and required-ness only
    return [(n, r, l if x is not None else None) for (n, r, l), (_, _, x) in zip(mine, xsd)]


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
    for fmt in ("xml", "json"):
        back = decode_receipt(encode_receipt(receipt, fmt))
        assert back.fields == fields


@pytest.mark.parametrize("code", ["CEB213", "CEB215", "CEB701"])
def test_the_customs_samples_decode_once_corrected(code):
    message, _ = decode_message(corrected_sample(code))
    assert message.message_type == code and len(message.documents) == 1
    assert schema_problems(corrected_sample(code)) == []
