"""CEB607: the master/sub bill binds lists to a master air waybill ``billNo``.

The gateway assembles a bill sent in several parts (msgSeqNo of msgCount) and forwards it whole,
so a CEB607 here is normally a complete bill (a part forwarded on its own — another msgSeqNo of
the same bill — adds its lists). appType 1 declares it; appType 2 amends it (its lists replace the
ones bound before) only while none of the bill's goods has arrived. Nothing changes
when any list named cannot be bound.
"""
from __future__ import annotations

from shared import return_codes as codes
from shared.contracts import Declaration, ReceiptIssued
from shared.messages.model import Document
from shared.receipts import info

from ..adapters import bills
from ..adapters import lists as repo
from ..domain.list_lifecycle import TERMINAL, ListStatus
from .clearance import Clearance


async def handle_bill(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    bill_no = doc.get("billNo")
    amend = doc.get("appType", "1") == "2"
    cl.accept(d, acceptance)
    bill = await bills.by_bill_no(cl.conn, bill_no)
    bound = await repo.of_bill(cl.conn, bill_no) if bill else []
    problem = ""
    if amend and bill is None:
        problem = info(codes.BILL_AMENDMENT_OF_UNKNOWN_BILL, f"WayBillHead/billNo: no master bill {bill_no} to amend")
    elif amend and any(s.arrived_at is not None for s in bound):
        arrived = ", ".join(s.cop_no for s in bound if s.arrived_at is not None)
        problem = info(codes.BILL_AMENDED_AFTER_ARRIVAL, f"WayBillHead/billNo: goods of bill {bill_no} have arrived ({arrived}); "
                               "the bill can no longer be amended")
    elif not amend and bill is not None and not await _another_part(cl, doc, bill_no):
        problem = info(codes.BILL_ALREADY_DECLARED, f"WayBillHead/billNo: bill {bill_no} is already declared; send appType 2 to amend it")
    if problem:
        cl.answer(d, doc, "100", problem, acceptance)
        return
    found: list[repo.StoredList] = []
    missing: list[str] = []
    # the lists named by number, in one query (a bill names up to hundreds)
    by_number = await repo.by_invt_nos(cl.conn, [item["invtNo"] for item in doc.items if item.get("invtNo")])
    for i, item in enumerate(doc.items, start=1):
        stored = by_number.get(item["invtNo"]) if item.get("invtNo") else None
        if stored is None and item.get("logisticsNo"):
            stored = await repo.live_by_logistics_no(cl.conn, item["logisticsNo"])
        name = item.get("invtNo") or item.get("logisticsNo")
        if stored is None or ListStatus(stored.status) in TERMINAL:
            why = f"is {stored.status}" if stored else "does not exist"
            missing.append(info(codes.BILL_LIST_UNKNOWN, f"WayBill/WayBillList[{i}]/invtNo: list {name} {why}"))
        elif stored.bill_no and stored.bill_no != bill_no:
            missing.append(info(codes.LIST_BOUND_TO_OTHER_BILL, f"WayBill/WayBillList[{i}]/invtNo: list {name} is bound to bill {stored.bill_no}"))
        else:
            found.append(stored)
    if missing:
        cl.answer(d, doc, "100", "".join(missing[:20]), acceptance)
        return
    revision = await bills.save(cl.conn, doc.head, doc.items, d.message.guid, d.sender_dxp_id, d.message.format)
    keep = {s.id for s in found}
    unbound = [s for s in bound if amend and s.id not in keep]
    await repo.bind_many_to_bill(cl.conn, [s.id for s in unbound], None)
    for stored in unbound:
        cl.history(stored, "unbound from bill", stored.status, {"billNo": bill_no, "guid": d.message.guid})
    newly = [s for s in found if s.bill_no != bill_no]
    await repo.bind_many_to_bill(cl.conn, [s.id for s in newly], bill_no)
    for stored in newly:
        cl.history(stored, "bound to bill", stored.status, {"billNo": bill_no, "guid": d.message.guid})
    verb = f"amended (revision {revision})" if amend else "stored"
    cl.answer(d, doc, "120", info(codes.OK, f"bill {bill_no} {verb} with {len(found)} list(s)"), acceptance)


async def _another_part(cl: Clearance, doc: Document, bill_no: str) -> bool:
    count, seq = doc.get("msgCount"), doc.get("msgSeqNo") or "1"
    return count.isdigit() and int(count) > 1 and seq not in await bills.parts_received(cl.conn, bill_no)
