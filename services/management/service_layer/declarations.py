"""Management's reaction to each declaration the gateway forwards.

Every receipt of a document is emitted here, in order, through management's outbox: the
platform's acceptance (2) carried in the declaration first, then customs' own decisions. Each
document is handled in a savepoint: if it asks for a move the list's state machine does not have,
everything it did is undone and it is answered with a 100 that says why.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiokafka import ConsumerRecord

from shared.config import Settings
from shared.contracts import Declaration, ReceiptIssued
from shared.kafka.consumer import Batch
from shared.messages.model import Document
from shared.receipts import info

from ..domain.list_lifecycle import TransitionRefused
from ..domain.release_policy import ReleasePolicy
from ..domain.risk import RiskRules
from .arrival_departure import handle_arrival, handle_departure
from .bills import handle_bill
from .cancellation import handle_cancellation
from .clearance import Clearance
from .listing import handle_list
from .trade_documents import handle_trade_document

DocumentHandler = Callable[[Clearance, Declaration, Document, ReceiptIssued], Awaitable[None]]

HANDLERS: dict[str, DocumentHandler] = {
    "CEB303": handle_trade_document,
    "CEB403": handle_trade_document,
    "CEB505": handle_trade_document,
    "CEB603": handle_list,
    "CEB605": handle_cancellation,
    "CEB607": handle_bill,
    "CEB507": handle_arrival,
    "CEB509": handle_departure,
}


class Declarations:
    def __init__(self, settings: Settings, policy: ReleasePolicy, rules: RiskRules) -> None:
        self.settings = settings
        self.policy = policy
        self.rules = rules

    def clearance(self, batch_or_conn, trace_id: str = "", actor: str = "system") -> Clearance:
        if isinstance(batch_or_conn, Batch):
            return Clearance(batch_or_conn.conn, self.settings, self.policy, self.rules, batch_or_conn.outgoing,
                             trace_id, actor)
        return Clearance(batch_or_conn, self.settings, self.policy, self.rules, [], trace_id, actor)

    async def handle(self, records: list[ConsumerRecord], batch: Batch) -> None:
        for record in records:
            declaration = Declaration.model_validate_json(record.value)
            cl = self.clearance(batch, declaration.trace_id)
            handler = HANDLERS.get(declaration.message.message_type)
            for index, doc in enumerate(declaration.message.documents):
                acceptance = declaration.acceptance[index]
                if handler is None:
                    cl.emit(acceptance)
                    cl.answer(declaration, doc, "100", info(
                        "3999", f"{declaration.message.message_type} is not handled by customs"), acceptance)
                    continue
                await self._one(cl, handler, declaration, doc, acceptance)

    @staticmethod
    async def _one(cl: Clearance, handler: DocumentHandler, d: Declaration, doc: Document,
                   acceptance: ReceiptIssued) -> None:
        mark = len(cl.outgoing)
        try:
            async with cl.conn.transaction():  # a savepoint inside the batch's transaction
                await handler(cl, d, doc, acceptance)
        except TransitionRefused as refused:
            del cl.outgoing[mark:]
            cl.emit(acceptance)
            cl.answer(d, doc, "100", info("4000", refused.reason), acceptance)
