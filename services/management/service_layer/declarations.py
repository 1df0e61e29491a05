"""Management's reaction to each declaration the gateway forwards.

Every receipt of a document is emitted here, in order, through management's outbox: the
platform's acceptance (2) carried in the declaration first, then customs' own decisions.

New lists and new orders, waybills and payment receipts, the bulk of the traffic, are handled as
sets (``new_documents``: waves of documents about different things, a few statements per wave).
Every other document is handled on its own, in its place in the batch, in a savepoint of the
batch's unit of work: if it asks for a move the list's state machine does not have, everything it
did — writes, receipts, deferred rows — is undone and it is answered with a 100 that says why. The
deferred writes (``deferred_writes``) of the whole batch are written one statement per kind when a
later document reads them, the history rows at its end.

Before anything is read, the batch locks the meeting points of all its documents in one statement
(``domain.meeting_points``): another instance handling a document about the same goods waits for
this batch to commit, then sees its rows.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from shared import return_codes as codes
from shared import tracing
from shared.contracts import Declaration, ReceiptIssued
from shared.db.unit_of_work import UnitOfWork
from shared.kafka.consumer import Batch
from shared.kafka.received import Received
from shared.messages.model import Document
from shared.receipts import info

from ..adapters import meeting_points
from ..domain.list_lifecycle import TransitionRefused
from ..domain.meeting_points import meeting_points as points_of
from ..domain.release_policy import ReleasePolicy
from ..domain.risk import RiskRules
from ..settings import ManagementSettings
from .arrival_departure import handle_arrival, handle_departure
from .bills import handle_bill
from .cancellation import handle_cancellation
from .clearance import Clearance
from .listing import handle_list
from .new_documents import Unit, handle_wave, keys_of, waves
from .returns import handle_return, handle_tally
from .summaries import handle_summary
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
    "CEB213": handle_return,
    "CEB215": handle_tally,
    "CEB701": handle_summary,
}


class Declarations:
    def __init__(self, settings: ManagementSettings, policy: ReleasePolicy, rules: RiskRules) -> None:
        self.settings = settings
        self.policy = policy
        self.rules = rules

    def clearance(self, uow: UnitOfWork, trace_id: str = "", actor: str = "system") -> Clearance:
        """What a handler works with, in a consumer batch's or an officer's action's unit of work."""
        return Clearance(uow, self.settings, self.policy, self.rules, trace_id, actor)

    async def handle(self, messages: list[Received[Declaration]], batch: Batch) -> None:
        run: list[Unit] = []
        declarations = [m.model for m in messages]
        await meeting_points.lock(batch.conn, points_of(
            (d.message.message_type, doc) for d in declarations for doc in d.message.documents))
        for declaration in declarations:
            tracing.bind(declaration.trace_id)
            for index, doc in enumerate(declaration.message.documents):
                unit = Unit(declaration, doc, declaration.acceptance[index])
                keys = keys_of(unit)
                if keys is not None:
                    unit.keys = keys
                    run.append(unit)
                    continue
                await self._as_sets(batch, run)
                run = []
                await self._single(self.clearance(batch, declaration.trace_id), unit)
        await self._as_sets(batch, run)

    async def _as_sets(self, batch: Batch, units: list[Unit]) -> None:
        for wave in waves(units):
            await handle_wave(batch, wave, lambda d: self.clearance(batch, d.trace_id))

    async def _single(self, cl: Clearance, unit: Unit) -> None:
        d, doc, acceptance = unit.declaration, unit.doc, unit.acceptance
        handler = HANDLERS.get(d.message.message_type)
        if handler is None:
            cl.accept(d, acceptance)
            cl.answer(d, doc, "100", info(codes.NOT_HANDLED_BY_CUSTOMS, f"{d.message.message_type} is not handled by customs"), acceptance)
            return
        await self._one(cl, handler, d, doc, acceptance)

    @staticmethod
    async def _one(cl: Clearance, handler: DocumentHandler, d: Declaration, doc: Document,
                   acceptance: ReceiptIssued) -> None:
        try:
            async with cl.uow.savepoint():  # undone alone, receipts and deferred rows with it
                await handler(cl, d, doc, acceptance)
        except TransitionRefused as refused:
            cl.accept(d, acceptance)
            cl.answer(d, doc, "100", info(codes.REFUSED_IN_STATE, refused.reason), acceptance)
