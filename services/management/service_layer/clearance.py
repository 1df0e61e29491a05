"""What every handler works with: its unit of work (a consumer batch's, or an officer's action's),
the risk engine, who acts.

Receipts are emitted through the unit of work in the order they are decided and written to the
outbox in the same transaction as the state change, so a document's receipts leave in order. Every
receipt that concerns a list is also written to the list's history. History rows, like the lists'
changes, go to the unit of work's buffer (``deferred_writes``): one statement each at its end, for
a batch of thousands of documents as for one officer's action.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from shared.contracts import Declaration, ReceiptIssued, Recipient
from shared.db.outbox import OutgoingMessage
from shared.db.unit_of_work import UnitOfWork
from shared.kafka import topics
from shared.messages.model import Document
from shared.receipts import receipt_for, receipt_message

from ..adapters import lists as repo
from ..domain.release_policy import ReleasePolicy
from ..domain.risk import RiskRules
from ..settings import ManagementSettings
from .deferred_writes import HISTORY
from .known_documents import KnownDocuments


@dataclass
class Clearance:
    uow: UnitOfWork
    settings: ManagementSettings
    policy: ReleasePolicy
    rules: RiskRules
    trace_id: str = ""
    actor: str = "system"
    # the orders and waybills already read (a wave reads them all at once); the others are read when asked
    documents: KnownDocuments = field(default_factory=KnownDocuments)

    @property
    def conn(self) -> asyncpg.Connection:
        return self.uow.conn

    @property
    def outgoing(self) -> list[OutgoingMessage]:
        return self.uow.outgoing

    def emit(self, receipt: ReceiptIssued) -> None:
        self.uow.emit(receipt_message(self.settings.topic(topics.RECEIPTS), receipt, self.trace_id))

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

    def history(self, stored: repo.StoredList, event: str, status: str, detail: dict) -> None:
        self.uow.defer(HISTORY, repo.history_row(stored.id, event, status, detail, self.actor))

    def tell_list(self, stored: repo.StoredList, status: str, text: str, *, event: str = "receipt",
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
        self.history(stored, event, stored.status, {"receipt": receipt.message_type, "returnStatus": status,
                                                   "returnInfo": text, "receiptId": receipt.receipt_id})
        return receipt

    def record_receipt(self, stored: repo.StoredList, receipt: ReceiptIssued, event: str = "receipt") -> None:
        """Write a receipt already emitted (an acceptance, an answer) into the list's history."""
        self.history(stored, event, stored.status,
                           {"receipt": receipt.message_type, "returnStatus": receipt.fields.get("returnStatus", ""),
                            "returnInfo": receipt.fields.get("returnInfo", ""), "receiptId": receipt.receipt_id,
                            "guid": receipt.fields.get("guid", "")})
