"""Delivering receipts: each receipt once to each enterprise it concerns, in its format.

A receipt is recorded by its ``receipt_id`` (so a re-sent copy is dropped, even across restarts)
and rendered for each recipient onto ``ceb.receipts.<DXP id>`` through the outbox, keyed by the
business key; a partition of ``cbec.receipts`` is consumed in order and the outbox publishes in
order, so a document's receipts reach the enterprise in the order they were issued.
"""
from __future__ import annotations


from aiokafka import ConsumerRecord

from shared.config import Settings
from shared.contracts import EnterpriseRegistered, ReceiptIssued, Recipient
from shared.db.outbox import TRACE_ID_HEADER, OutgoingMessage
from shared.kafka import topics
from shared.kafka.consumer import Batch
from shared.messages import encode_receipt
from shared.messages.model import Receipt

RECEIPT_ID_HEADER = "cbec-receipt-id"


class Delivery:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.delivered = 0

    async def handle_receipts(self, records: list[ConsumerRecord], batch: Batch) -> None:
        for record in records:
            receipt = ReceiptIssued.model_validate_json(record.value)
            fresh = await batch.conn.fetchval(
                "INSERT INTO receipts (receipt_id, message_type, business_key, guid, return_status, fields, "
                "issued_at, issued_by, trace_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) "
                "ON CONFLICT (receipt_id) DO NOTHING RETURNING true",
                receipt.receipt_id, receipt.message_type, receipt.business_key, receipt.fields.get("guid", ""),
                receipt.fields.get("returnStatus", ""), receipt.fields, receipt.issued_at, receipt.issued_by,
                receipt.trace_id,
            )
            if not fresh:
                continue
            for recipient in await self._recipients(batch, receipt):
                self._deliver(batch, receipt, recipient)
                await batch.conn.execute(
                    "INSERT INTO deliveries (receipt_id, dxp_id, channel, format, status) "
                    "VALUES ($1, $2, 'kafka', $3, 'queued') ON CONFLICT DO NOTHING",
                    receipt.receipt_id, recipient.dxp_id, recipient.format)

    async def _recipients(self, batch: Batch, receipt: ReceiptIssued) -> list[Recipient]:
        out = {r.dxp_id: r for r in receipt.recipients}
        if receipt.concerns:
            fmt = receipt.recipients[0].format if receipt.recipients else "xml"
            rows = await batch.conn.fetch("SELECT dxp_id FROM enterprises WHERE code = ANY($1::text[])", receipt.concerns)
            for r in rows:
                out.setdefault(r["dxp_id"], Recipient(dxp_id=r["dxp_id"], format=fmt))
        return list(out.values())

    def _deliver(self, batch: Batch, receipt: ReceiptIssued, recipient: Recipient) -> None:
        body = encode_receipt(Receipt(message_type=receipt.message_type, guid=receipt.receipt_id.upper(),
                                      fields=receipt.fields), recipient.format)
        batch.emit(OutgoingMessage.of(
            self.settings.topic(topics.receipt_topic(recipient.dxp_id)), receipt.business_key, body,
            {RECEIPT_ID_HEADER: receipt.receipt_id, TRACE_ID_HEADER: receipt.trace_id,
             "cbec-message-type": receipt.message_type, "cbec-return-status": receipt.fields.get("returnStatus", "")},
        ))
        self.delivered += 1

    async def handle_enterprises(self, records: list[ConsumerRecord], batch: Batch) -> None:
        for record in records:
            if record.value is None:
                continue
            e = EnterpriseRegistered.model_validate_json(record.value)
            await batch.conn.execute(
                "INSERT INTO enterprises (code, name, dxp_id, roles) VALUES ($1,$2,$3,$4) ON CONFLICT (code) "
                "DO UPDATE SET name = EXCLUDED.name, dxp_id = EXCLUDED.dxp_id, roles = EXCLUDED.roles, updated_at = now()",
                e.code, e.name, e.dxp_id, e.roles)


__all__ = ["Delivery", "RECEIPT_ID_HEADER"]
