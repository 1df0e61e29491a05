"""What every handler works with: one transaction, the receipts it emits, the risk engine, who acts.

Receipts are queued on ``outgoing`` in the order they are decided and written to the outbox in the
same transaction as the state change, so a document's receipts leave in order. Every receipt that
concerns a list is also written to the list's history. A consumer batch collects the history rows
(``history_rows``) and writes them with one statement at its end (nothing reads the history while
a batch is applied); an officer's action writes them as they come.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from shared.contracts import Declaration, ReceiptIssued, Recipient
from shared.db.outbox import TRACE_ID_HEADER, OutgoingMessage
from shared.kafka import topics
from shared.messages.model import Document
from shared.receipts import receipt_for

from ..adapters import lists as repo
from ..domain.release_policy import ReleasePolicy
from ..domain.risk import RiskRules
from ..settings import ManagementSettings


@dataclass
class Clearance:
    conn: asyncpg.Connection
    settings: ManagementSettings
    policy: ReleasePolicy
    rules: RiskRules
    outgoing: list[OutgoingMessage] = field(default_factory=list)
    trace_id: str = ""
    actor: str = "system"
    history_rows: list[repo.HistoryRow] | None = None

    def emit(self, receipt: ReceiptIssued) -> None:
        self.outgoing.append(OutgoingMessage.of(self.settings.topic(topics.RECEIPTS), receipt.business_key, receipt,
                                                {TRACE_ID_HEADER: receipt.trace_id or self.trace_id}))

    def accept(self, d: Declaration, acceptance: ReceiptIssued) -> None:
        """The platform's acceptance of one document; of a split bill, of each of its parts."""
        self.emit(acceptance)
        if d.parts:
            for further in d.acceptance[1:len(d.parts)]:
                self.emit(further)

    def answer(self, d: Declaration, doc: Document, status: str, text: str, acceptance: ReceiptIssued,
               overrides: dict[str, str] | None = None) -> ReceiptIssued:
        """Customs' answer to one document of a declaration, to its sender; a split bill's to each
        part (its guid, its msgSeqNo). Returns the (first) receipt."""
        receipts = [
            receipt_for(d.message.message_type, doc.head, status=status, return_info=text,
                        recipients=acceptance.recipients, issued_by="management",
                        overrides={"preNo": acceptance.fields.get("preNo", ""), **part, **(overrides or {})},
                        trace_id=d.trace_id)
            for part in d.parts or [{}]
        ]
        for receipt in receipts:
            self.emit(receipt)
        return receipts[0]

    async def history(self, stored: repo.StoredList, event: str, status: str, detail: dict) -> None:
        if self.history_rows is None:
            await repo.add_history(self.conn, stored.id, event, status, detail, self.actor)
        else:
            self.history_rows.append(repo.history_row(stored.id, event, status, detail, self.actor))

    async def tell_list(self, stored: repo.StoredList, status: str, text: str, *, event: str = "receipt",
                        answered_type: str = "CEB603", head: dict | None = None,
                        recipient: Recipient | None = None) -> ReceiptIssued:
        """A receipt about the list (CEB604, or CEB606 for a cancellation) to its declarant and seller.

        ``head`` (the cancellation's) wins; what it does not carry comes from the stored list."""
        receipt = receipt_for(answered_type, {**stored.head, **head} if head else stored.head, status=status,
                              return_info=text,
                              recipients=[recipient or Recipient(dxp_id=stored.declarant_dxp, format=stored.receipt_format)],
                              issued_by="management", overrides={"preNo": stored.pre_no, "invtNo": stored.invt_no},
                              concerns=[c for c in {stored.head.get("ebcCode", "")} if c], trace_id=self.trace_id)
        self.emit(receipt)
        await self.history(stored, event, stored.status, {"receipt": receipt.message_type, "returnStatus": status,
                                                   "returnInfo": text, "receiptId": receipt.receipt_id})
        return receipt

    async def record_receipt(self, stored: repo.StoredList, receipt: ReceiptIssued, event: str = "receipt") -> None:
        """Write a receipt already emitted (an acceptance, an answer) into the list's history."""
        await self.history(stored, event, stored.status,
                           {"receipt": receipt.message_type, "returnStatus": receipt.fields.get("returnStatus", ""),
                            "returnInfo": receipt.fields.get("returnInfo", ""), "receiptId": receipt.receipt_id,
                            "guid": receipt.fields.get("guid", "")})
