"""A receipt handed to notification: one way for every service (shared.receipts.receipt_message)."""
from __future__ import annotations

from shared.contracts import ReceiptIssued, Recipient
from shared.receipts import info, receipt_for, receipt_message


def _receipt(trace_id: str) -> ReceiptIssued:
    return receipt_for("CEB603", {"copNo": "AG20261202000001", "agentCode": "3301960001"}, status="120",
                       return_info=info("0000", "stored"), recipients=[Recipient(dxp_id="DXPENT0000000001")],
                       issued_by="management", trace_id=trace_id)


def test_a_receipt_is_keyed_by_its_business_key_and_names_its_trace():
    receipt = _receipt("erp-42")
    message = receipt_message("t1.cbec.receipts", receipt, "batch-trace")
    assert (message.topic, message.key) == ("t1.cbec.receipts", b"AG20261202000001")
    assert message.headers == [("cbec-trace-id", "erp-42")]  # the receipt's own trace first
    assert ReceiptIssued.model_validate_json(message.value) == receipt
    untraced = receipt_message("cbec.receipts", _receipt(""), "batch-trace")
    assert untraced.headers == [("cbec-trace-id", "batch-trace")]
