"""CEB213 return applications and CEB215 tallies of the returned goods (standard 202205 §2.17-2.20).

- A return refers to a list (invtNo) that is released (800) or closed (899) — or already returned
  in part — of the same seller and platform; its items name the list's items (gnum) with the same
  goods and units and at most what is left to return. Passed: CEB214 2, 120; the list is
  *returning*. Refused: CEB214 100 with every reason.
- The tally (from the supervised site's operator) names the returned package (logisticsCode +
  logisticsNo, and invtNo when given) of a stored return: CEB216 2, 399 to the operator; the
  return is released (CEB214 800 to its declarant) and the list is *returned*.

A return's receipts are keyed by its coElNo; the list's history records both steps.
"""
from __future__ import annotations

from shared import return_codes as codes
from shared.contracts import Declaration, ReceiptIssued, Recipient
from shared.messages.model import Document
from shared.receipts import info, receipt_for

from ..adapters import lists as repo
from ..adapters import returns
from ..domain.list_lifecycle import RETURNABLE, Event, ListStatus
from ..domain.returns import return_problems
from .clearance import Clearance
from .list_flow import move


def _refuse(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued, problems: list[str],
            overrides: dict | None = None) -> None:
    cl.answer(d, doc, "100", "".join(problems[:20]), acceptance, overrides)


async def handle_return(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    head = doc.head
    cl.emit(acceptance)
    if head.get("appType", "1") != "1":
        return _refuse(cl, d, doc, acceptance, [info(codes.ONLY_NEW_DOCUMENTS, "InvtRefundHead/appType: only new returns (appType 1) "
                                                             "are handled; changing or deleting one is not supported")])
    if await returns.exists(cl.conn, head.get("agentCode", ""), head.get("coElNo", "")):
        return _refuse(cl, d, doc, acceptance, [info(codes.RETURN_ALREADY_DECLARED, f"InvtRefundHead/coElNo: return {head.get('coElNo')} of "
                                                             f"agent {head.get('agentCode')} is already declared")])
    stored = await repo.by_invt_no(cl.conn, head.get("invtNo", ""))
    if stored is None or ListStatus(stored.status) not in RETURNABLE:
        why = (f"no list {head.get('invtNo')}" if stored is None else
               f"list {stored.cop_no} is {stored.status}: only a released (800) or closed (899) list can be returned")
        return _refuse(cl, d, doc, acceptance, [info(codes.RETURN_OF_UNRETURNABLE_LIST, f"InvtRefundHead/invtNo: {why}")])
    earlier = await returns.of_list(cl.conn, stored.id)
    if any(r.status == "120" for r in earlier):
        pending = next(r for r in earlier if r.status == "120")
        return _refuse(cl, d, doc, acceptance, [info(codes.RETURN_ALREADY_WAITING, f"InvtRefundHead/invtNo: return {pending.co_el_no} of "
                                                             f"list {stored.cop_no} is still waiting for its goods")])
    problems = return_problems(head, doc.items, stored.numbered_head, stored.items, [r.items for r in earlier])
    if problems:
        return _refuse(cl, d, doc, acceptance, problems)
    pre_no = acceptance.fields.get("preNo", "")
    return_id = await returns.insert(cl.conn, list_id=stored.id, head=head, items=doc.items, pre_no=pre_no,
                                     declarant_dxp=d.sender_dxp_id, receipt_format=d.message.format)
    move(cl, stored, Event.APPLY_FOR_RETURN, {"return": head.get("coElNo"), "guid": d.message.guid,
                                              "reason": head.get("reason"), "items": len(doc.items)})
    stored_receipt = cl.answer(d, doc, "120", info(codes.OK, f"return stored (return {return_id}): list "
                                                            f"{stored.cop_no} is returning; CEB214 800 follows the "
                                                            "tally of the goods at the site"), acceptance)
    cl.record_receipt(stored, stored_receipt, "return receipt")


async def handle_tally(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    head = doc.head
    cl.emit(acceptance)
    if head.get("appType", "1") != "1":
        return _refuse(cl, d, doc, acceptance, [info(codes.ONLY_NEW_DOCUMENTS, "InvtRefundDetail/appType: only new tallies (appType 1) "
                                                             "are handled")])
    waiting = await returns.waiting_for_package(cl.conn, head.get("logisticsCode", ""), head.get("logisticsNo", ""))
    stored = await repo.by_id(cl.conn, waiting.list_id) if waiting is not None else None
    if waiting is None or stored is None or (head.get("invtNo") and head["invtNo"] != stored.invt_no):
        return _refuse(cl, d, doc, acceptance, [info(codes.TALLY_WITHOUT_WAITING_RETURN, f"InvtRefundDetail/logisticsNo: no return waiting for "
                                                             f"package {head.get('logisticsNo')} of "
                                                             f"{head.get('logisticsCode')}"
                                                             + (f" on list {head['invtNo']}" if head.get("invtNo") else ""))])
    await returns.tallied(cl.conn, waiting.id, {"guid": d.message.guid, "coElNo": head.get("coElNo"),
                                                "operatorCode": head.get("operatorCode"),
                                                "location": head.get("location", "")})
    move(cl, stored, Event.TALLY_RETURN, {"return": waiting.co_el_no, "tally": head.get("coElNo"),
                                          "location": head.get("location", "")})
    cl.answer(d, doc, "399", info(codes.OK, f"tally of return {waiting.co_el_no} concluded: the goods of list "
                                          f"{stored.cop_no} are back"), acceptance)
    released = receipt_for("CEB213", waiting.head, status="800",
                           return_info=info(codes.OK, "return released: the goods were tallied at the site"),
                           recipients=[Recipient(dxp_id=waiting.declarant_dxp, format=waiting.receipt_format)],
                           issued_by="management", overrides={"preNo": waiting.pre_no}, trace_id=cl.trace_id)
    cl.emit(released)
    cl.record_receipt(stored, released, "return receipt")
