"""CEB607: the master/sub bill binds lists to a master air waybill ``billNo``.

A large bill comes in several parts (msgSeqNo of msgCount); each part binds its own lists and the
bill is complete when every part is in. A part is amended (appType 2: its lists replace the ones
it bound before) only while none of the bill's goods has arrived. Nothing changes when any list
of a part cannot be bound.
"""
from __future__ import annotations

from shared.contracts import Declaration, ReceiptIssued
from shared.messages.model import Document
from shared.receipts import info

from ..adapters import bills
from ..adapters import lists as repo
from ..domain.list_lifecycle import TERMINAL, ListStatus
from .clearance import Clearance


def _number(value: str, default: int = 1) -> int:
    return int(value) if value.isdigit() else default


async def handle_bill(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    bill_no = doc.get("billNo")
    count, seq = _number(doc.get("msgCount")), _number(doc.get("msgSeqNo"))
    amend = doc.get("appType", "1") == "2"
    cl.emit(acceptance)
    refuse = lambda code, text: cl.answer(d, doc, "100", info(code, text), acceptance)  # noqa: E731
    bill = await bills.by_bill_no(cl.conn, bill_no)
    received = await bills.parts(cl.conn, bill_no) if bill else []
    bound = await repo.of_bill(cl.conn, bill_no) if bill else []
    if amend:
        if bill is None:
            return refuse("2303", f"WayBillHead/billNo: no master bill {bill_no} to amend")
        arrived = [s.cop_no for s in bound if s.arrived_at is not None]
        if arrived:
            return refuse("2304", f"WayBillHead/billNo: goods of bill {bill_no} have arrived ({', '.join(arrived)}); "
                                  "the bill can no longer be amended")
    elif seq in received:
        return refuse("2305", f"WayBillHead/msgSeqNo: part {seq} of bill {bill_no} was already received; "
                              "send appType 2 to amend it")
    found: list[repo.StoredList] = []
    missing: list[str] = []
    for i, item in enumerate(doc.items, start=1):
        stored = await repo.by_invt_no(cl.conn, item["invtNo"]) if item.get("invtNo") else None
        if stored is None and item.get("logisticsNo"):
            stored = await repo.live_by_logistics_no(cl.conn, item["logisticsNo"])
        name = item.get("invtNo") or item.get("logisticsNo")
        if stored is None or ListStatus(stored.status) in TERMINAL:
            why = f"is {stored.status}" if stored else "does not exist"
            missing.append(info("2301", f"WayBill/WayBillList[{i}]/invtNo: list {name} {why}"))
        elif stored.bill_no and stored.bill_no != bill_no:
            missing.append(info("2306", f"WayBill/WayBillList[{i}]/invtNo: list {name} is bound to bill {stored.bill_no}"))
        else:
            found.append(stored)
    if missing:
        cl.answer(d, doc, "100", "".join(missing[:20]), acceptance)
        return
    await bills.upsert(cl.conn, doc.head, count, d.sender_dxp_id, d.message.format)
    await bills.save_part(cl.conn, bill_no, seq, d.message.guid, doc.head, doc.items)
    keep = {s.id for s in found}
    for stored in bound:
        if amend and stored.bill_part == seq and stored.id not in keep:
            await repo.bind_to_bill(cl.conn, stored.id, None)
            await cl.history(stored, "unbound from bill", stored.status, {"billNo": bill_no, "guid": d.message.guid})
    for stored in found:
        await repo.bind_to_bill(cl.conn, stored.id, bill_no, seq)
        await cl.history(stored, "bound to bill", stored.status, {"billNo": bill_no, "part": seq, "guid": d.message.guid})
    parts = sorted(set(received) | {seq})
    left = [p for p in range(1, count + 1) if p not in parts]
    text = f"bill {bill_no} part {seq} of {count} {'amended' if amend else 'stored'} with {len(found)} list(s)"
    text += f"; waiting for part(s) {', '.join(map(str, left))}" if left else "; the bill is complete"
    cl.answer(d, doc, "120", info("0000", text), acceptance)
