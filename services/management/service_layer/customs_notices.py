"""Messages customs sends of its own accord rather than in answer to one document: the summary
result (CEB792) when a summary is concluded."""
from __future__ import annotations

from shared import clock
from shared.contracts import ReceiptIssued, Recipient
from shared.ids import time_ordered_uuid
from shared.messages.catalogue import SUMMARY_RESULT
from shared.receipts import fitted

from ..adapters.summaries import StoredSummary


def summary_result(summary: StoredSummary, result: dict, *, trace_id: str = "") -> ReceiptIssued:
    """CEB792 SummaryResultHead: the summary's parties, numbers customs assigned, total weights."""
    head = summary.head
    values = {**head, **result, "guid": head.get("guid", ""), "customsCode": summary.customs_code,
              "sumNo": summary.sum_no, "msgCount": "1", "msgSeqNo": "1"}
    receipt_id = str(time_ordered_uuid())
    return ReceiptIssued(
        receipt_id=receipt_id,
        message_type=SUMMARY_RESULT.message_type,
        business_key=summary.cop_no,
        fields=fitted(SUMMARY_RESULT, {k: str(v) for k, v in values.items() if v is not None}, receipt_id),
        recipients=[Recipient(dxp_id=summary.declarant_dxp, format=summary.receipt_format)],
        concerns=[summary.ebc_code],
        issued_at=clock.now(),
        issued_by="management",
        trace_id=trace_id,
    )
