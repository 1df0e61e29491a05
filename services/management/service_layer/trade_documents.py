"""CEB303 orders, CEB403 payment receipts and CEB505 waybills: stored, then the lists that wait
for them are audited again.

appType 1 stores a new document (a second one with the same business key is refused): handled as
sets, a wave at a time (``new_documents``), with :func:`answer` and :func:`received` here. appType 2
replaces the stored one: :func:`handle_trade_document`, on its own.
"""
from __future__ import annotations

from shared import return_codes as codes
from shared.contracts import Declaration, ReceiptIssued
from shared.messages.model import Document
from shared.receipts import info

from ..adapters import lists as repo
from ..adapters import trade_documents as documents
from .clearance import Clearance
from .list_flow import audit

WHAT = {"CEB303": "order", "CEB403": "payment receipt", "CEB505": "waybill"}
KEY_FIELDS = {"CEB303": ("ebpCode", "orderNo"), "CEB403": ("ebcCode", "orderNo"), "CEB505": ("logisticsCode", "logisticsNo")}


def key_of(kind: str, head: dict) -> tuple[str, str]:
    """The document's business key as stored (e.g. an order's ebpCode and orderNo)."""
    a, b = KEY_FIELDS[kind]
    return head.get(a, ""), head.get(b, "")


def answer(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued, saved: bool, replace: bool) -> None:
    kind = d.message.message_type
    a, b = KEY_FIELDS[kind]
    key = f"{doc.head.get(a)}+{doc.head.get(b)}"
    if not saved:
        why = "no such document to change" if replace else "already declared; send appType 2 to change it"
        cl.answer(d, doc, "100", info(codes.LIST_ALREADY_DECLARED, f"{doc.name}: {WHAT[kind]} {key} {why}"), acceptance)
        return
    cl.answer(d, doc, "120", info(codes.OK, f"{WHAT[kind]} {key} stored"), acceptance)


async def received(cl: Clearance, d: Declaration, doc: Document, waiting: list[repo.StoredList]) -> None:
    """The lists that waited for the document hear of it and are audited again."""
    kind = d.message.message_type
    for stored in waiting:
        cl.history(stored, f"{WHAT[kind]} received", stored.status, {"guid": doc.get("guid"), "message": kind})
        await audit(cl, stored)


async def handle_trade_document(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    """A replacement (appType 2) of an order, waybill or payment receipt."""
    kind = d.message.message_type
    head = {**doc.head}
    replace = doc.get("appType", "1") == "2"
    cl.emit(acceptance)
    if kind == "CEB303":
        saved = await documents.save_order(cl.conn, head, doc.items, d.sender_dxp_id, replace)
    elif kind == "CEB505":
        saved = await documents.save_waybill(cl.conn, head, d.sender_dxp_id, replace)
    else:
        saved = await documents.save_payment(cl.conn, head, d.sender_dxp_id, replace)
    answer(cl, d, doc, acceptance, saved, replace)
    if not saved:
        return
    if kind == "CEB303":
        waiting = await repo.waiting_for_order(cl.conn, *key_of(kind, head))
    elif kind == "CEB505":
        waiting = await repo.waiting_for_waybill(cl.conn, *key_of(kind, head))
    else:
        waiting = []
    await received(cl, d, doc, waiting)
