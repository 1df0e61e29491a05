"""Every receipt type the platform issues renders as a real CEB receipt document, in both formats."""
from __future__ import annotations

import pytest
from lxml import etree

from services.notification.domain.receipt_rendering import ReceiptRenderer
from shared.messages import RECEIPT_SPECS, decode_receipt

CEB = "http://www.chinaport.gov.cn/ceb"
RECEIPT_ID = "6f1c6e0e-8a5e-4c55-9a55-0d3c2b1a0f00"


@pytest.mark.parametrize("message_type", ["CEB604", "CEB606", "CEB608", "CEB508", "CEB510", "CEB304", "CEB404",
                                          "CEB506", "CEB900"])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_each_receipt_type_renders_and_reads_back(message_type, fmt):
    spec = RECEIPT_SPECS[message_type]
    fields = {f.name: f"v{i}" for i, f in enumerate(spec.fields)}
    fields.update(returnStatus="120", returnTime="20261128120000000", returnInfo="[Code:0000;Desc:ok]")
    body = ReceiptRenderer().receipt_body(message_type, RECEIPT_ID, fields, fmt)
    back = decode_receipt(body)
    assert back.message_type == message_type and back.guid == RECEIPT_ID.upper()
    assert back.fields == fields
    if fmt == "xml":
        root = etree.fromstring(body)
        assert root.tag == f"{{{CEB}}}{message_type}Message"
        assert [etree.QName(c).localname for c in root[0]] == [f.name for f in spec.fields]
