"""CEB507 arrival and CEB509 departure of a master bill's goods.

- An arrival names the packages (logistics numbers) that reached the supervised site; only their
  lists are decided (release or inspection), and only once their audit is concluded; the rest of
  the bill waits.
- A departure closes every released list of the bill; lists not released stay open and the CEB510
  names them; the bill closes when none is left open.
- The master bill is the message's ``billNo``; a postal arrival or departure leaves it empty (the
  standard allows it), and the bill is then the one the named packages' lists are bound to. An
  arrival that names no package (its ArrivalList is optional) reports the whole bill.
- Customs transit: a list leaves through its ``portCode``; arrival and departure must be reported
  by that port's customs (the message's ``customsCode``), which may differ from the customs the
  list was declared at.
"""
from __future__ import annotations

from shared import return_codes as codes
from shared.contracts import Declaration, ReceiptIssued
from shared.messages.model import Document
from shared.receipts import info

from ..adapters import bills
from ..adapters import lists as repo
from ..domain.list_lifecycle import TERMINAL, Event, ListStatus
from .clearance import Clearance
from .list_flow import decide, move


def _wrong_port(lists: list[repo.StoredList], customs: str, what: str) -> list[str]:
    return [info(codes.NOT_THE_EXIT_PORT, f"{what}/customsCode: list {s.cop_no} leaves through port {s.exit_customs}; its "
                         f"{what.lower()} is reported by customs {s.exit_customs}, not {customs}")
            for s in lists if s.exit_customs != customs]


async def bill_of(cl: Clearance, doc: Document) -> str:
    """The master bill a CEB507/509 reports: its billNo, or (postal) its packages' lists' bill."""
    bill_no = doc.get("billNo")
    if bill_no:
        return bill_no
    for item in doc.items:
        stored = await repo.live_by_logistics_no(cl.conn, item.get("logisticsNo", ""))
        if stored is not None and stored.bill_no:
            return stored.bill_no
    return ""


def _no_bill(bill_no: str, what: str) -> str:
    if bill_no:
        return info(codes.MASTER_BILL_UNKNOWN, f"{what}Head/billNo: no master bill {bill_no}")
    return info(codes.MASTER_BILL_UNKNOWN, f"{what}List/logisticsNo: no master bill binds the packages named (billNo is empty)")


async def handle_arrival(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    bill_no = await bill_of(cl, doc)
    cl.accept(d, acceptance)
    if not bill_no or await bills.by_bill_no(cl.conn, bill_no) is None:
        cl.answer(d, doc, "100", _no_bill(bill_no, "Arrival"), acceptance)
        return
    of_bill = await repo.of_bill(cl.conn, bill_no)
    by_package = {s.logistics_no: s for s in of_bill}
    named = [item.get("logisticsNo", "") for item in doc.items] or list(by_package)
    unknown = [n for n in named if n not in by_package]
    arrived = [by_package[n] for n in named if n in by_package]
    problems = [info(codes.ARRIVAL_PACKAGE_NOT_IN_BILL, f"ArrivalList/logisticsNo: package {n} is not in bill {bill_no}") for n in unknown]
    problems += _wrong_port([s for s in arrived if ListStatus(s.status) not in TERMINAL], doc.get("customsCode"), "Arrival")
    if problems:
        cl.answer(d, doc, "100", "".join(problems[:20]), acceptance)
        return
    decide_now, waiting, settled = [], [], []
    await repo.mark_many_arrived(cl.conn, [s.id for s in arrived if s.arrived_at is None], d.message.guid)
    for stored in arrived:
        if stored.arrived_at is None:
            stored.arrived_at = d.received_at
            cl.history(stored, "arrived", stored.status, {"arrival": d.message.guid, "billNo": bill_no,
                                                           "reportedBy": doc.get("customsCode")})
        if stored.status == ListStatus.AUDITED.value:
            decide_now.append(stored)
        elif stored.status in (ListStatus.STORED.value, ListStatus.REVIEW.value):
            waiting.append(stored)
        else:
            settled.append(stored)
    not_arrived = [s for s in of_bill if s.arrived_at is None and ListStatus(s.status) not in TERMINAL]
    text = f"arrival of {len(arrived)} package(s) of bill {bill_no} stored; {len(decide_now)} list(s) decided now"
    if waiting:
        text += "; audit not concluded, decided later: " + ", ".join(f"{s.cop_no} ({s.status})" for s in waiting)
    if not_arrived:
        text += "; not arrived yet: " + ", ".join(s.cop_no for s in not_arrived)
    cl.answer(d, doc, "120", info(codes.OK, text), acceptance)
    rejections: dict[str, int] = {}
    for stored in decide_now:
        await decide(cl, stored, rejections)


async def handle_departure(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    bill_no = await bill_of(cl, doc)
    cl.accept(d, acceptance)
    bill = await bills.by_bill_no(cl.conn, bill_no) if bill_no else None
    if bill is None:
        cl.answer(d, doc, "100", _no_bill(bill_no, "Departure"), acceptance)
        return
    of_bill = [s for s in await repo.of_bill(cl.conn, bill_no) if ListStatus(s.status) not in TERMINAL]
    released = [s for s in of_bill if s.status == ListStatus.RELEASED.value]
    still_open = [s for s in of_bill if s.status != ListStatus.RELEASED.value]
    problems = _wrong_port(of_bill, doc.get("customsCode"), "Departure")
    if not released:
        problems.append(info(codes.DEPARTURE_WITHOUT_RELEASED_LISTS, f"DepartureHead/billNo: no list of bill {bill_no} is released"
                                     + (": " + ", ".join(f"{s.cop_no} ({s.status})" for s in still_open) if still_open
                                        else f" (the bill is {bill.status})")))
    if problems:
        cl.answer(d, doc, "100", "".join(problems[:20]), acceptance)
        return
    for stored in released:  # the closed lists' statuses are written in one statement (deferred_writes)
        move(cl, stored, Event.DEPART, {"departure": d.message.guid, "leaveTime": doc.get("leaveTime"),
                                        "reportedBy": doc.get("customsCode")})
    text = f"departure of bill {bill_no} stored; {len(released)} list(s) closed"
    if still_open:
        text += "; not released, still open: " + ", ".join(f"{s.cop_no} ({s.status})" for s in still_open)
    else:
        await bills.set_status(cl.conn, bill_no, ListStatus.CLOSED.value)
        text += "; the bill is closed"
    cl.answer(d, doc, "120", info(codes.OK, text), acceptance)
    for stored in released:
        cl.tell_list(stored, ListStatus.CLOSED.value, info(codes.OK, "closed: goods have left the country"))
