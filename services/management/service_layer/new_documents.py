"""New lists (CEB603 appType 1) and new orders, waybills and payment receipts (CEB303, CEB505,
CEB403 appType 1) of a consumer batch, handled as sets: the hot path, a few statements per set
instead of a dozen round trips per document.

The batch is cut into *waves*: a document goes into the wave after the last one that holds a
document touching one of its keys (a list's agentCode+copNo, its order and its waybill; a trade
document's own key), so documents about the same thing are handled in the order they came and
the documents of one wave are independent of each other. Documents of other kinds are handled
one by one between the runs of waves, in their place.

A wave reads what it needs with one query each (live lists of the copNos, lists waiting for the
documents, orders and waybills, numbers for the new lists), decides every document in memory in
order, with the steps every list takes (``listing.store``, ``list_flow.audit``,
``trade_documents.received``: the receipts, history and state machine guards), and leaves its writes
in the unit of work's buffer (``deferred_writes``: the lists changed and created, the new documents,
review applications, history), written with one statement per kind before the next wave or
document reads, or at the commit. Nothing needs undoing, so no savepoint. This is the one path for
new lists and new trade documents: one that comes alone is a wave of one. A list waiting for a
document whose goods have arrived is decided in the wave (``list_flow.decide``: the buffer is
written before it counts the seller's rejections).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared import clock
from shared.contracts import Declaration, ReceiptIssued
from shared.db.unit_of_work import UnitOfWork
from shared.messages.model import Document

from ..adapters import lists as repo
from ..adapters import trade_documents as documents
from ..domain.audit import TradeDocument
from ..domain.list_lifecycle import ListStatus, invt_no
from .clearance import Clearance
from .deferred_writes import ORDERS, PAYMENTS, WAYBILLS, list_created
from .known_documents import KnownDocuments
from .list_flow import audit
from .listing import refuse_duplicate, store
from .trade_documents import answer, key_of, received

TRADE = ("CEB303", "CEB505", "CEB403")
DEAD = (ListStatus.CANCELLED.value, ListStatus.REJECTED.value)


@dataclass
class Unit:
    """One document of a declaration, with the platform's acceptance of it."""

    declaration: Declaration
    doc: Document
    acceptance: ReceiptIssued
    keys: tuple[tuple[str, str, str], ...] = ()  # what it touches (see keys_of), once it is known

    @property
    def kind(self) -> str:
        return self.declaration.message.message_type


def _list_key(head: dict) -> tuple[str, str]:
    return head.get("agentCode", ""), head.get("copNo", "")


def _order_key(head: dict) -> tuple[str, str]:
    return head.get("ebpCode", ""), head.get("orderNo", "")


def _waybill_key(head: dict) -> tuple[str, str]:
    return head.get("logisticsCode", ""), head.get("logisticsNo", "")


def keys_of(unit: Unit) -> tuple[tuple[str, str, str], ...] | None:
    """What the document touches, if it is one handled as a set; None if it goes one by one."""
    head = unit.doc.head
    if unit.kind == "CEB603" and unit.doc.get("appType", "1") not in ("2", "3"):
        return (("list", *_list_key(head)), ("CEB303", *_order_key(head)), ("CEB505", *_waybill_key(head)))
    if unit.kind in TRADE and unit.doc.get("appType", "1") != "2":
        return ((unit.kind, *key_of(unit.kind, head)),)
    return None


def waves(units: list[Unit]) -> list[list[Unit]]:
    """Each unit (with its ``keys``) in the wave after the last one touching any of its keys; in order
    within a wave."""
    last: dict[tuple[str, str, str], int] = {}
    out: list[list[Unit]] = []
    for unit in units:
        keys = unit.keys
        wave = max((last.get(k, -1) for k in keys), default=-1) + 1
        for k in keys:
            last[k] = wave
        if wave == len(out):
            out.append([])
        out[wave].append(unit)
    return out


def _new_list(unit: Unit, list_id: int, number: str) -> repo.StoredList:
    head, d = unit.doc.head, unit.declaration
    return repo.StoredList(
        id=list_id, agent_code=head.get("agentCode", ""), cop_no=head.get("copNo", ""),
        pre_no=unit.acceptance.fields["preNo"], invt_no=number, status=ListStatus.ACCEPTED.value,
        customs_code=head.get("customsCode", ""), port_code=head.get("portCode", ""), ebc_code=head.get("ebcCode", ""),
        ebp_code=head.get("ebpCode", ""), logistics_code=head.get("logisticsCode", ""),
        logistics_no=head.get("logisticsNo", ""), order_no=head.get("orderNo", ""), trade_mode=head.get("tradeMode", ""),
        bill_no=head.get("billNo") or None, declarant_dxp=d.sender_dxp_id, receipt_format=d.message.format,
        head=head, items=unit.doc.items, version=1, waiting_for="", arrived_at=None, decision_round=0)


async def handle_wave(uow: UnitOfWork, wave: list[Unit], clearance: Callable[[Declaration], Clearance]) -> None:
    """Handle a wave as a set: its reads first, one query each, then every document in order."""
    await uow.flush()  # what earlier documents of the batch changed, before this wave reads
    conn = uow.conn
    new_lists = [u for u in wave if u.kind == "CEB603"]
    doc_keys = {kind: {key_of(kind, u.doc.head) for u in wave if u.kind == kind} for kind in TRADE}
    # reads: one query each
    known: dict[int, repo.StoredList] = {}
    live = {k: known.setdefault(s.id, s) for k, s in
            (await repo.live_by_business_keys(conn, {_list_key(u.doc.head) for u in new_lists})).items()}
    waiting = [known.setdefault(s.id, s)
               for s in await repo.waiting_for_documents(conn, doc_keys["CEB303"], doc_keys["CEB505"])]
    order_keys = doc_keys["CEB303"] | {_order_key(u.doc.head) for u in new_lists} | {(s.ebp_code, s.order_no) for s in waiting}
    waybill_keys = (doc_keys["CEB505"] | {_waybill_key(u.doc.head) for u in new_lists}
                    | {(s.logistics_code, s.logistics_no) for s in waiting})
    documents_known = KnownDocuments()
    await documents_known.load(conn, order_keys, waybill_keys)
    paid = await documents.payments(conn, doc_keys["CEB403"])
    numbers = await repo.reserve(conn, sum(1 for u in new_lists if _list_key(u.doc.head) not in live))
    year = clock.now().year
    # decisions, in the order the documents came; the writes go to the unit of work's buffer
    for unit in wave:
        d, doc, acceptance = unit.declaration, unit.doc, unit.acceptance
        cl = clearance(d)
        cl.documents = documents_known
        if unit.kind == "CEB603":
            existing = live.get(_list_key(doc.head))
            if existing is not None and existing.status not in DEAD:
                refuse_duplicate(cl, d, doc, acceptance, existing)
                continue
            cl.emit(acceptance)
            if not numbers:  # a list rejected earlier in this wave freed its copNo
                numbers = await repo.reserve(conn, 1)
            serial, list_id = numbers.pop(0)
            stored = _new_list(unit, list_id, invt_no(doc.head.get("customsCode", "0000"), year, serial))
            list_created(uow, stored)
            store(cl, d, doc, acceptance, stored)
            await audit(cl, stored)
            continue
        head = {**doc.head}
        key = key_of(unit.kind, head)
        cl.emit(acceptance)
        if unit.kind == "CEB303":
            saved = documents_known.orders[key] is None
            if saved:
                documents_known.orders[key] = TradeDocument(head, doc.items)
                uow.defer(ORDERS, (head, doc.items, d.sender_dxp_id))
            waits = [s for s in waiting if (s.ebp_code, s.order_no) == key]
        elif unit.kind == "CEB505":
            saved = documents_known.waybills[key] is None
            if saved:
                documents_known.waybills[key] = TradeDocument(head)
                uow.defer(WAYBILLS, (head, d.sender_dxp_id))
            waits = [s for s in waiting if (s.logistics_code, s.logistics_no) == key]
        else:
            saved = key not in paid
            if saved:
                paid.add(key)
                uow.defer(PAYMENTS, (head, d.sender_dxp_id))
            waits = []
        answer(cl, d, doc, acceptance, saved, False)
        if saved:
            await received(cl, d, doc, [s for s in waits if s.status == ListStatus.STORED.value])
