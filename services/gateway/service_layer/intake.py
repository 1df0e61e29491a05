"""Intake of enterprise messages from ``ceb.inbound``: authenticate, verify, answer or forward.

Outcomes, per message:
- no key, or a key that is not a registered DXP id → dead letter (no sender to answer);
- unreadable or malformed → CEB900 to the sender;
- same guid and same bytes as an earlier message → a retransmission: dropped, answered once;
- a failed logic check → 100 receipt naming the check and the field;
- otherwise → forwarded to management as a Declaration carrying the acceptance (2) receipts.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timezone

from aiokafka import ConsumerRecord

from shared.config import Settings
from shared.contracts import Declaration, Recipient
from shared.db.outbox import TRACE_ID_HEADER, OutgoingMessage
from shared.kafka import topics
from shared.kafka.consumer import Batch, dead_letter_to, header
from shared.messages import FormatError, check_fields, decode_message
from shared.messages.model import CebMessage
from shared.receipts import business_key, format_error_receipt, info, receipt_for

from ..adapters import message_log, registry
from ..domain.enterprise import Enterprise
from ..domain.verification import verify

log = logging.getLogger(__name__)


def pre_no(serial: int, at: datetime) -> str:
    """Platform number: "B" + yyyyMMdd + 9-digit serial."""
    return f"B{at:%Y%m%d}{serial % 10**9:09d}"


class Intake:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._dlq = dead_letter_to(settings.topic(topics.INBOUND_DLQ))
        self.accepted = 0
        self.rejected = 0

    async def handle(self, records: list[ConsumerRecord], batch: Batch) -> None:
        keys = sorted({r.key.decode("utf-8", "replace") for r in records if r.key})
        senders = await registry.by_dxp_ids(batch.conn, keys) if keys else {}
        for record in records:
            await self._one(record, senders, batch)

    async def _one(self, record: ConsumerRecord, senders: dict[str, Enterprise], batch: Batch) -> None:
        trace = header(record, TRACE_ID_HEADER) or f"{record.topic}-{record.partition}-{record.offset}"
        if not record.key:
            return self._dead_letter(record, "missing key: the Kafka key must be the sender's DXP id", batch)
        dxp_id = record.key.decode("utf-8", "replace")
        sender = senders.get(dxp_id)
        if sender is None:
            return self._dead_letter(record, f"unregistered sender: no enterprise is registered with DXP id {dxp_id!r}", batch)
        raw = record.value or b""
        try:
            message, transport = decode_message(raw, max_bytes=self.settings.max_message_bytes)
        except FormatError as err:
            return self._format_error(batch, sender, err.format or "xml", err.message_type, err.guid, str(err), trace)
        fmt = message.format
        if transport is not None and transport.SenderId != dxp_id:
            return self._format_error(batch, sender, fmt, message.message_type, message.guid,
                                      info("9020", f"DxpMsg/TransInfo/SenderId: {transport.SenderId} does not match the Kafka key {dxp_id}"), trace)
        problems = check_fields(message)
        if problems:
            text = "".join(info(p.code, f"{p.path}: {p.description}") for p in problems[:20])
            return self._format_error(batch, sender, fmt, message.message_type, message.guid, text, trace)

        earlier = await message_log.record(batch.conn, message.guid, hashlib.sha256(raw).digest(), dxp_id,
                                           message.message_type, "received")
        if earlier is not None and earlier == hashlib.sha256(raw).digest():
            log.info("retransmission of %s from %s dropped (answered once)", message.guid, dxp_id)
            return None
        recipients = [Recipient(dxp_id=dxp_id, format=fmt)]
        if earlier is not None:
            return self._reject(batch, message, recipients, info("2201", f"{message.message_type}/@guid: {message.guid} was already used by an earlier message; every message needs a new guid"), trace)
        problems = verify(message, sender)
        if problems:
            return self._reject(batch, message, recipients, "".join(p.render() for p in problems[:20]), trace)
        await self._forward(batch, message, sender, recipients, trace)

    async def _forward(self, batch: Batch, message: CebMessage, sender: Enterprise,
                       recipients: list[Recipient], trace: str) -> None:
        now = datetime.now(timezone.utc)
        serials = await message_log.next_pre_nos(batch.conn, len(message.documents))
        pre_nos = [pre_no(s, now) for s in serials]
        acceptance = [
            receipt_for(message.message_type, doc.head, status="2",
                        return_info=info("0000", "accepted by the clearance service platform"),
                        recipients=recipients, issued_by="gateway", overrides={"preNo": p}, trace_id=trace, at=now)
            for doc, p in zip(message.documents, pre_nos)
        ]
        declaration = Declaration(message=message, sender_dxp_id=sender.dxpId, sender_code=sender.code,
                                  received_at=now, acceptance=acceptance, pre_nos=pre_nos, trace_id=trace)
        key = business_key(message.message_type, message.document.head)
        batch.emit(OutgoingMessage.of(self.settings.topic(topics.DECLARATIONS), key, declaration,
                                      {TRACE_ID_HEADER: trace}))
        self.accepted += 1

    def _reject(self, batch: Batch, message: CebMessage, recipients: list[Recipient], text: str, trace: str) -> None:
        for doc in message.documents:
            receipt = receipt_for(message.message_type, doc.head, status="100", return_info=text,
                                  recipients=recipients, issued_by="gateway", trace_id=trace)
            batch.emit(OutgoingMessage.of(self.settings.topic(topics.RECEIPTS), receipt.business_key, receipt,
                                          {TRACE_ID_HEADER: trace}))
        self.rejected += 1

    def _format_error(self, batch: Batch, sender: Enterprise, fmt: str, message_type: str, guid: str,
                      text: str, trace: str) -> None:
        receipt = format_error_receipt(original_type=message_type, guid=guid, return_info=text,
                                       recipients=[Recipient(dxp_id=sender.dxpId, format=fmt if fmt in ("xml", "json") else "xml")],
                                       trace_id=trace)
        batch.emit(OutgoingMessage.of(self.settings.topic(topics.RECEIPTS), receipt.business_key, receipt,
                                      {TRACE_ID_HEADER: trace}))
        self.rejected += 1

    def _dead_letter(self, record: ConsumerRecord, reason: str, batch: Batch) -> None:
        for m in self._dlq(record, reason):
            batch.emit(m)
        self.rejected += 1
