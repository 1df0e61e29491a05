"""CEB603: a new list (appType 1), a modification application (appType 2), a deletion (appType 3).

New lists are declared as sets, a wave at a time (``new_documents``: the one path for them, a wave
of one list as of a thousand), with :func:`store` and :func:`refuse_duplicate` here; a modification
or a deletion is handled on its own (:func:`handle_list`).

Receipts of a list are keyed by its copNo: acceptance (2) first, then 120 or 100, then whatever
the audit decides at once (399, 300, 100).
"""
from __future__ import annotations

from shared import return_codes as codes
from shared.contracts import Declaration, ReceiptIssued
from shared.messages.model import Document
from shared.receipts import info

from ..adapters import applications, inspections
from ..adapters import lists as repo
from ..domain.applications import Kind, Route, modification_route
from ..domain.audit import changes_goods
from ..domain.list_lifecycle import Event, ListStatus
from .clearance import Clearance
from .list_flow import audit, move


def as_list_receipt(acceptance: ReceiptIssued, stored: repo.StoredList) -> ReceiptIssued:
    """The platform's acceptance of an application about a stored list carries the list's numbers."""
    return acceptance.model_copy(update={"fields": {**acceptance.fields, "preNo": stored.pre_no, "invtNo": stored.invt_no}})


async def handle_list(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    """A modification (appType 2) or a deletion (appType 3); a new list is declared in a wave."""
    app_type = doc.get("appType", "1")
    if app_type == "2":
        return await modify(cl, d, doc, acceptance)
    if app_type != "3":
        raise AssertionError(f"a new list (appType {app_type}) is declared in a wave (new_documents.handle_wave)")
    cl.emit(acceptance)
    cl.answer(d, doc, "100", info(codes.WITHDRAW_WITH_CANCELLATION, "InventoryHead/appType: a list is withdrawn with a cancellation "
                                           "application (CEB605), not with appType 3"), acceptance)


def refuse_duplicate(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued,
                     existing: repo.StoredList) -> None:
    head = doc.head
    cl.answer(d, doc, "100", info(
        codes.LIST_ALREADY_DECLARED, f"Inventory/InventoryHead/copNo: list {head.get('copNo')} of agent {head.get('agentCode')} "
                f"is already declared (invtNo {existing.invt_no}, status {existing.status}); cancel it first "
                "or send a modification (appType 2)"), acceptance, {"preNo": ""})


def store(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued, stored: repo.StoredList) -> None:
    """A new list (status 2, numbered) passes the logic checks: history, receipts, 120."""
    cl.history(stored, "declared", stored.status, {"guid": d.message.guid, "preNo": stored.pre_no})
    cl.record_receipt(stored, acceptance)
    move(cl, stored, Event.STORE, {"invtNo": stored.invt_no})
    stored_receipt = cl.answer(d, doc, "120", info(codes.OK, "stored: logic checks passed"), acceptance,
                               {"invtNo": stored.invt_no})
    cl.record_receipt(stored, stored_receipt)


async def modify(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    head = doc.head
    stored = await repo.live_by_business_key(cl.conn, head.get("agentCode", ""), head.get("copNo", ""))
    if stored is None:
        latest = await repo.latest_by_business_key(cl.conn, head.get("agentCode", ""), head.get("copNo", ""))
        cl.emit(acceptance)
        why = (f"the list is {'cancelled' if latest.status == 'cancelled' else 'rejected'}; declare it again with appType 1"
               if latest else "no such list")
        cl.answer(d, doc, "100", info(codes.MODIFICATION_OF_UNKNOWN_LIST, f"InventoryHead/copNo: list {head.get('copNo')} of agent "
                                              f"{head.get('agentCode')} cannot be modified: {why}"), acceptance)
        return
    accepted = as_list_receipt(acceptance, stored)
    cl.emit(accepted)
    cl.history(stored, "modification received", stored.status, {"guid": d.message.guid})
    cl.record_receipt(stored, accepted)
    routing = modification_route(stored.status)
    pending = await applications.pending_for(cl.conn, stored.id, Kind.MODIFICATION.value)
    if routing.route is Route.REFUSED or pending is not None:
        why = routing.reason or f"a modification (application {pending.id}) is already waiting for an officer"
        cl.tell_list(stored, "100", info(codes.MODIFICATION_NOT_POSSIBLE, f"modification refused: {why}; the list is unchanged "
                                                f"(status {stored.status})"), event="modification refused")
        return
    if routing.route is Route.OFFICER:
        app_id = await applications.submit(
            cl.conn, list_id=stored.id, kind=Kind.MODIFICATION.value, guid=d.message.guid, head=head, items=doc.items,
            pre_no=acceptance.fields.get("preNo", ""), applicant_dxp=d.sender_dxp_id, receipt_format=d.message.format,
            trace_id=d.trace_id, reason=", ".join(changes_goods(stored.head, stored.items, head, doc.items)) or "no goods change")
        cl.tell_list(stored, ListStatus.REVIEW.value, info(
            codes.OK, f"modification waiting for an officer's approval (application {app_id}): {routing.reason}"),
            event="modification waiting")
        return
    await apply_modification(cl, stored, head, doc.items, by=d.message.guid)


async def apply_modification(cl: Clearance, stored: repo.StoredList, head: dict, items: list, by: str) -> None:
    """Make the new content the list's; if goods, value or weight changed, audit (and decide) again."""
    changed = changes_goods(stored.head, stored.items, head, items)
    version = await repo.replace_content(cl.conn, stored, head, items, by)
    stored.head, stored.items, stored.version = head, items, version
    for attr, name in (("logistics_no", "logisticsNo"), ("order_no", "orderNo"), ("ebc_code", "ebcCode"),
                       ("ebp_code", "ebpCode"), ("logistics_code", "logisticsCode"), ("trade_mode", "tradeMode"),
                       ("customs_code", "customsCode"), ("port_code", "portCode")):
        setattr(stored, attr, head.get(name, ""))
    cl.history(stored, "modified", stored.status, {"version": version, "changed": changed})
    if stored.status == ListStatus.REVIEW.value:
        review = await applications.pending_for(cl.conn, stored.id, Kind.REVIEW.value)
        if review is not None:
            await applications.decide(cl.conn, review.id, "withdrawn", cl.actor, "the list was modified")
    if not changed and stored.status not in (ListStatus.STORED.value, ListStatus.REVIEW.value):
        cl.tell_list(stored, stored.status, info(codes.OK, f"modification applied: the list holds version {version}; "
                                                          "goods, value and weight unchanged"))
        return
    if stored.status == ListStatus.INSPECTION.value:
        await inspections.withdraw_open(cl.conn, stored.id, "the list was modified")
    move(cl, stored, Event.MODIFY, {"version": version, "changed": changed})
    cl.tell_list(stored, ListStatus.STORED.value, info(
        codes.OK, f"modification applied: the list holds version {version}; audit again"
                + (f" (changed: {', '.join(changed[:10])})" if changed else "")))
    await audit(cl, stored)
