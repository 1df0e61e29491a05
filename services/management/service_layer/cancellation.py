"""CEB605: cancellation of a list that is not closed.

Before release it is approved at once; after release it waits for an officer. Approved → CEB606
399, the list is cancelled and leaves its bill (the copNo may be declared again); refused → CEB606
100 with the reason.
"""
from __future__ import annotations

from shared import return_codes as codes
from shared.contracts import Declaration, ReceiptIssued, Recipient
from shared.messages.model import Document
from shared.receipts import info

from ..adapters import applications, bills, inspections
from ..adapters import lists as repo
from ..domain.applications import Kind, Route, cancellation_route
from ..domain.list_lifecycle import TERMINAL, Event, ListStatus
from .clearance import Clearance
from .list_flow import move
from .listing import as_list_receipt


async def handle_cancellation(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    stored = await repo.by_invt_no(cl.conn, doc.get("invtNo")) if doc.get("invtNo") else None
    if stored is None or stored.cop_no != doc.get("copNo") or stored.agent_code != doc.get("agentCode"):
        cl.emit(acceptance)
        cl.answer(d, doc, "100", info(codes.CANCELLATION_OF_UNKNOWN_LIST, f"InvtCancel/invtNo: no list {doc.get('invtNo')} with copNo "
                                              f"{doc.get('copNo')} of agent {doc.get('agentCode')}"), acceptance)
        return
    accepted = as_list_receipt(acceptance, stored)
    cl.emit(accepted)
    cl.history(stored, "cancellation received", stored.status, {"guid": d.message.guid, "reason": doc.get("reason")})
    cl.record_receipt(stored, accepted)
    applicant = acceptance.recipients[0] if acceptance.recipients else None
    routing = cancellation_route(stored.status)
    pending = await applications.pending_for(cl.conn, stored.id, Kind.CANCELLATION.value)
    if routing.route is Route.REFUSED or pending is not None:
        why = routing.reason or f"a cancellation (application {pending.id}) is already waiting for an officer"
        tell(cl, stored, doc.head, applicant, "100", info(codes.CANCELLATION_NOT_POSSIBLE, f"cancellation refused: {why}"),
             "cancellation refused")
        return
    if routing.route is Route.OFFICER:
        app_id = await applications.submit(
            cl.conn, list_id=stored.id, kind=Kind.CANCELLATION.value, guid=d.message.guid, head=doc.head,
            pre_no=acceptance.fields.get("preNo", ""), applicant_dxp=d.sender_dxp_id, receipt_format=d.message.format,
            trace_id=d.trace_id, reason=doc.get("reason"))
        tell(cl, stored, doc.head, applicant, ListStatus.REVIEW.value, info(
            codes.OK, f"cancellation waiting for an officer's approval (application {app_id}): {routing.reason}"),
            "cancellation waiting")
        return
    await cancel(cl, stored, doc.head, applicant, "approved at once: the goods were not released")


def tell(cl: Clearance, stored: repo.StoredList, head: dict, applicant: Recipient | None, status: str,
         text: str, event: str) -> None:
    cl.tell_list(stored, status, text, event=event, answered_type="CEB605",
                 head={**head, "copNo": stored.cop_no}, recipient=applicant)


async def cancel(cl: Clearance, stored: repo.StoredList, head: dict, applicant: Recipient | None, why: str) -> None:
    """Cancel the list (guarded), take it out of its bill, close what it leaves behind."""
    bill_no = stored.bill_no
    move(cl, stored, Event.CANCEL, {"why": why, "billNo": bill_no})
    await inspections.withdraw_open(cl.conn, stored.id, "the list was cancelled")
    for kind in (Kind.MODIFICATION, Kind.REVIEW):
        pending = await applications.pending_for(cl.conn, stored.id, kind.value)
        if pending is not None:
            await applications.decide(cl.conn, pending.id, "withdrawn", cl.actor, "the list was cancelled")
    if bill_no:
        await repo.bind_to_bill(cl.conn, stored.id, None)
        cl.history(stored, "left bill", stored.status, {"billNo": bill_no})
        rest = await repo.of_bill(cl.conn, bill_no)
        if rest and all(ListStatus(s.status) in TERMINAL for s in rest) and any(s.status == ListStatus.CLOSED.value for s in rest):
            await bills.set_status(cl.conn, bill_no, ListStatus.CLOSED.value)
    tell(cl, stored, head, applicant, ListStatus.AUDITED.value,
         info(codes.OK, f"cancellation approved ({why}); the list is cancelled and its copNo may be declared again"),
         "cancellation approved")
