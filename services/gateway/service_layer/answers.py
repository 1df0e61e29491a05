"""What the gateway sends back or on: acceptance inside a Declaration, 100 receipts, CEB900s,
dead letters. Everything goes through the caller's batch (the outbox, in its transaction)."""
from __future__ import annotations

import re
from datetime import datetime

from shared import clock
from shared import return_codes as codes
from shared.contracts import Declaration, ReceiptIssued, Recipient
from shared.db import dead_letters
from shared.db.outbox import OutgoingMessage
from shared.kafka import topics
from shared.kafka.consumer import DEAD_LETTER_HEADROOM, Batch, dead_letter_to
from shared.kafka.headers import TRACE_ID as TRACE_ID_HEADER
from shared.kafka.received import RawRecord
from shared.messages.errors import TOO_LARGE, FormatError
from shared.messages.model import CebMessage, Document
from shared.receipts import business_key, format_error_receipt, info, receipt_for, receipt_message

from ..adapters import message_log
from ..domain.checking import Problem
from ..domain.enterprise import Enterprise
from ..settings import GatewaySettings

MAX_PROBLEMS = 20
DRAFT_STORED = "电子口岸已暂存 (stored as a draft, not declared to customs); send it with appStatus 2 to declare it"
# an unreadable message's DXP envelope id, read from its first bytes (best effort, for CEB900)
_COP_MSG_ID = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?CopMsgId>\s*([^<\s]{1,255})\s*</")


def envelope_message_id(raw: bytes) -> str:
    """``TransInfo/CopMsgId`` of a DXP envelope that could not be opened; "" when none is seen."""
    found = _COP_MSG_ID.search(raw[:4096]) if b"DxpMsg" in raw[:512] else None
    return found.group(1).decode("utf-8", "replace") if found else ""


def pre_no(serial: int, at: datetime) -> str:
    """Platform number: "B" + yyyyMMdd + 9-digit serial."""
    return f"B{at:%Y%m%d}{serial % 10**9:09d}"


class Answers:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self._dlq = dead_letter_to(settings.topic(topics.INBOUND_DLQ), settings.max_record_bytes)
        self.accepted = 0
        self.rejected = 0
        self.drafts = 0

    def _receipt_out(self, batch: Batch, receipt: ReceiptIssued, trace: str) -> None:
        batch.emit(receipt_message(self.settings.topic(topics.RECEIPTS), receipt, trace))

    async def forward(self, batch: Batch, message: CebMessage, sender: Enterprise, trace: str,
                      reserved: list[int] | None = None, parts: list[dict[str, str]] | None = None) -> None:
        """A Declaration for management; ``reserved``: platform number serials to take first;
        ``parts``: a split bill's parts (each is accepted, and later answered, on its own)."""
        now = clock.now()
        recipients = [Recipient(dxp_id=sender.dxpId, format=message.format)]
        count = len(message.documents)
        serials = [reserved.pop(0) for _ in range(min(count, len(reserved or [])))]
        if len(serials) < count:
            serials += await message_log.next_pre_nos(batch.conn, count - len(serials))
        pre_nos = [pre_no(s, now) for s in serials]
        acceptance = [
            receipt_for(message.message_type, doc.head, status="2",
                        return_info=info(codes.OK, "accepted by the clearance service platform"),
                        recipients=recipients, issued_by="gateway", overrides={"preNo": p, **part}, trace_id=trace,
                        at=now)
            for doc, p in zip(message.documents, pre_nos) for part in (parts or [{}])
        ]
        declaration = Declaration(message=message, sender_dxp_id=sender.dxpId, sender_code=sender.code,
                                  received_at=now, acceptance=acceptance, pre_nos=pre_nos, trace_id=trace,
                                  parts=parts or [])
        body = declaration.__pydantic_serializer__.to_json(declaration)
        budget = self.settings.max_record_bytes - DEAD_LETTER_HEADROOM
        if len(body) > budget:  # it could not be published: answer it now rather than never
            return self.format_error(batch, sender, message.format, message.message_type, message.guid, str(FormatError(
                TOO_LARGE, f"the message would take {len(body)} bytes forwarded with its acceptance receipts; at "
                           f"most {budget} fit: send its documents in several messages")), trace)
        key = business_key(message.message_type, message.document.head)
        batch.emit(OutgoingMessage.of(self.settings.topic(topics.DECLARATIONS), key, body,
                                      {TRACE_ID_HEADER: trace}))
        self.accepted += 1

    def drafts_stored(self, batch: Batch, message: CebMessage, sender: Enterprise, documents: list[Document],
                      trace: str, parts: list[dict[str, str]] | None = None) -> None:
        """A returnStatus 1 receipt (电子口岸已暂存) per document kept as a draft (a split bill's: per part)."""
        recipients = [Recipient(dxp_id=sender.dxpId, format=message.format)]
        for doc in documents:
            for part in parts or [{}]:
                self._receipt_out(batch, receipt_for(message.message_type, doc.head, status="1",
                                                     return_info=info(codes.OK, DRAFT_STORED), recipients=recipients,
                                                     issued_by="gateway", overrides=part, trace_id=trace), trace)
        self.drafts += 1

    def reject(self, batch: Batch, message: CebMessage, sender: Enterprise, problems: list[Problem],
               trace: str, documents: list[Document] | None = None,
               parts: list[dict[str, str]] | None = None) -> None:
        """A 100 receipt per document (all of the message's unless named), listing the problems (at
        most 20); a split bill's (``parts``): one per part."""
        text = "".join(p.return_info() for p in problems[:MAX_PROBLEMS])
        recipients = [Recipient(dxp_id=sender.dxpId, format=message.format)]
        for doc in message.documents if documents is None else documents:
            for part in parts or [{}]:
                self._receipt_out(batch, receipt_for(message.message_type, doc.head, status="100", return_info=text,
                                                     recipients=recipients, issued_by="gateway", overrides=part,
                                                     trace_id=trace), trace)
        self.rejected += 1

    def format_error(self, batch: Batch, sender: Enterprise, fmt: str, message_type: str, guid: str,
                     text: str, trace: str, original: bytes = b"", cop_msg_id: str = "") -> None:
        """A CEB900 to the sender, in the format it used (XML when that is unknown), quoting the
        message received and its DXP envelope's ``CopMsgId``."""
        receipt = format_error_receipt(
            original_type=message_type, guid=guid[:64], return_info=text,
            recipients=[Recipient(dxp_id=sender.dxpId, format=fmt if fmt in ("xml", "json") else "xml")],
            trace_id=trace, original=original, cop_msg_id=cop_msg_id or envelope_message_id(original))
        self._receipt_out(batch, receipt, trace)
        self.rejected += 1

    async def dead_letter(self, batch: Batch, record: RawRecord, reason: str,
                          consumer: str = "gateway-intake") -> None:
        """Kept in ``dead_letters`` (for an operator to read and redrive) and published to the DLQ topic."""
        await dead_letters.record(batch.conn, consumer, record, reason)
        for m in self._dlq(record, reason):
            batch.emit(m)
        self.rejected += 1
