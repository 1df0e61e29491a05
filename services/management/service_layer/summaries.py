"""CEB701 summary applications and customs' conclusion of them (standard 202205 §2.21-2.23).

A summary gathers the seller's (ebcCode) summary-declaration lists (statisticsFlag B) into the
customs declarations customs generates from them. It names its lists (SummaryApplyList), or a
period (startTime/endTime, China time, which then wins over the lists named): the seller's
closed B lists declared at the summary's customs in that period that no live summary covers.

Each named list must exist, be the seller's, a B list, declared at the summary's customs, closed
(899), and not in another live summary (2722, 2723); a period must find at least one (2724).
Passed: CEB702 2 then 3 (sent to customs), with the sumNo assigned; the summary waits for an
officer (``GET /summaries``). Concluding it (``POST /summaries/{sumNo}/conclude``) answers CEB702
399 and sends customs' result, CEB792; refusing it answers CEB702 100 and lets its lists go.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from shared import clock
from shared import return_codes as codes
from shared.contracts import Declaration, ReceiptIssued, Recipient
from shared.messages.model import Document
from shared.receipts import CHINA, info, receipt_for, return_time

from ..adapters import lists as repo
from ..adapters import summaries
from ..domain.list_lifecycle import ListStatus
from .clearance import Clearance
from .customs_notices import summary_result
from .officer import ActionRefused, NotFound


def sum_no(serial: int, at: datetime) -> str:
    """Summary number: "S" + yyyyMMdd + 9-digit serial (18 characters, as the customs' samples)."""
    return f"S{at.astimezone(CHINA):%Y%m%d}{serial % 10**9:09d}"


def _moment(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=CHINA)


async def handle_summary(cl: Clearance, d: Declaration, doc: Document, acceptance: ReceiptIssued) -> None:
    head = doc.head
    number = sum_no(await summaries.next_serial(cl.conn), d.received_at)
    accepted = acceptance.model_copy(update={"fields": {**acceptance.fields, "sumNo": number}})
    cl.emit(accepted)
    keys = {"sumNo": number}

    def refused(*problems: str) -> None:
        cl.answer(d, doc, "100", "".join(problems[:20]), acceptance, keys)

    if head.get("appType", "1") != "1":
        return refused(info(codes.ONLY_NEW_DOCUMENTS, "SummaryApplyHead/appType: only new summaries (appType 1) are handled"))
    if await summaries.exists(cl.conn, head.get("agentCode", ""), head.get("copNo", "")):
        return refused(info(codes.SUMMARY_ALREADY_DECLARED, f"SummaryApplyHead/copNo: summary {head.get('copNo')} of agent "
                                   f"{head.get('agentCode')} is already declared"))
    ebc, customs = head.get("ebcCode", ""), head.get("customsCode", "")
    if head.get("startTime") and head.get("endTime"):
        found = await summaries.lists_in_period(cl.conn, ebc, customs, clock.wall(_moment(head["startTime"])),
                                                 clock.wall(_moment(head["endTime"])))
        if not found:
            return refused(info(codes.SUMMARY_PERIOD_EMPTY, f"SummaryApplyHead/startTime: no closed summary-declaration (B) list of "
                                       f"{ebc} at customs {customs} was declared from {head['startTime']} to "
                                       f"{head['endTime']} and not yet summarised"))
        covered = [await repo.by_id(cl.conn, list_id) for list_id in found]
    else:
        covered, problems, named = [], [], set()
        for n, item in enumerate(doc.items, start=1):
            if item.get("invtNo", "") in named:
                problems.append(info(codes.SUMMARY_LIST_NOT_SUMMARISABLE, f"SummaryApplyList[{n}]/invtNo: {item.get('invtNo')} is named twice"))
                continue
            named.add(item.get("invtNo", ""))
            stored = await repo.by_invt_no(cl.conn, item.get("invtNo", ""))
            why = _not_summarisable(stored, ebc, customs)
            if why:
                problems.append(info(codes.SUMMARY_LIST_NOT_SUMMARISABLE, f"SummaryApplyList[{n}]/invtNo: {item.get('invtNo')}: {why}"))
            else:
                covered.append(stored)
        taken = await summaries.summarised_in(cl.conn, [s.id for s in covered])
        problems += [info(codes.LIST_IN_OTHER_SUMMARY, f"SummaryApplyList/invtNo: list {s.invt_no} is already in summary {taken[s.id]}")
                     for s in covered if s.id in taken]
        if problems:
            return refused(*problems)
    await summaries.insert(cl.conn, head=head, sum_no=number, pre_no=acceptance.fields.get("preNo", ""),
                           declarant_dxp=d.sender_dxp_id, receipt_format=d.message.format,
                           list_ids=[s.id for s in covered])
    for stored in covered:
        cl.history(stored, "summarised", stored.status, {"sumNo": number, "summary": head.get("copNo")})
    cl.answer(d, doc, "3", info(codes.OK, f"summary {number} of {len(covered)} list(s) sent to customs: "
                                        + ", ".join(s.invt_no for s in covered[:50])), acceptance, keys)


def _not_summarisable(stored: repo.StoredList | None, ebc: str, customs: str) -> str:
    if stored is None:
        return "no such list"
    if stored.ebc_code != ebc:
        return f"the list is of seller {stored.ebc_code}, not {ebc}"
    if stored.head.get("statisticsFlag") != "B":
        return "the list is not a summary-declaration list (statisticsFlag B)"
    if stored.customs_code != customs:
        return f"the list was declared at customs {stored.customs_code}, not {customs}"
    if stored.status != ListStatus.CLOSED.value:
        return f"the list is {stored.status}, not closed (899)"
    return ""


def _weight(value: str) -> Decimal:
    try:
        return Decimal(value or "0")
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _answer(cl: Clearance, summary: summaries.StoredSummary, status: str, text: str) -> ReceiptIssued:
    receipt = receipt_for("CEB701", summary.head, status=status, return_info=text,
                          recipients=[Recipient(dxp_id=summary.declarant_dxp, format=summary.receipt_format)],
                          issued_by="management", overrides={"preNo": summary.pre_no, "sumNo": summary.sum_no},
                          trace_id=cl.trace_id)
    cl.emit(receipt)
    return receipt


async def _waiting(cl: Clearance, number: str) -> summaries.StoredSummary:
    summary = await summaries.by_sum_no(cl.conn, number, lock=True)
    if summary is None:
        raise NotFound(f"no summary {number}")
    if summary.status != "3":
        raise ActionRefused(f"summary {number} is {summary.status}, not waiting for customs (3)")
    return summary


async def conclude(cl: Clearance, number: str, *, dec_state: str, entry_id: str = "", note: str = "") -> dict:
    """Customs concludes the summary: CEB702 399, then the summary result CEB792."""
    summary = await _waiting(cl, number)
    covered = [await repo.by_id(cl.conn, i) for i in await summaries.list_ids_of(cl.conn, summary.id)]
    serial = await summaries.next_serial(cl.conn)
    now = clock.now()
    year = now.astimezone(CHINA).year
    result = {
        "declSeqNo": f"D{now.astimezone(CHINA):%Y%m%d}{serial % 10**9:09d}",
        "decTmpNo": f"T{now.astimezone(CHINA):%Y%m%d}{serial % 10**9:09d}",
        "decPreNo": f"P{now.astimezone(CHINA):%Y%m%d}{serial % 10**9:09d}",
        "entryId": entry_id or f"{summary.customs_code}{year:04d}0{serial % 10**9:09d}",
        "decState": dec_state,
        "grossWeight": str(sum((_weight(s.head.get("grossWeight", "")) for s in covered), Decimal(0))),
        "netWeight": str(sum((_weight(s.head.get("netWeight", "")) for s in covered), Decimal(0))),
        "opDate": return_time(now),
        "note": note,
    }
    await summaries.decide(cl.conn, summary.id, "399", cl.actor, result)
    _answer(cl, summary, "399", info(codes.OK, f"summary {number} concluded by customs: declaration "
                                             f"{result['entryId']} ({len(covered)} list(s))"))
    cl.emit(summary_result(summary, result, trace_id=cl.trace_id))
    for stored in covered:
        cl.history(stored, "summary concluded", stored.status, {"sumNo": number, "entryId": result["entryId"]})
    return {"outcome": "concluded", "sum_no": number, **result}


async def refuse(cl: Clearance, number: str, reason: str) -> dict:
    summary = await _waiting(cl, number)
    covered = await summaries.list_ids_of(cl.conn, summary.id)
    await summaries.decide(cl.conn, summary.id, "100", cl.actor, {"reason": reason})
    _answer(cl, summary, "100", info(codes.SUMMARY_REFUSED, f"summary {number} refused by customs: {reason}"))
    for list_id in covered:
        stored = await repo.by_id(cl.conn, list_id)
        cl.history(stored, "summary refused", stored.status, {"sumNo": number, "reason": reason})
    return {"outcome": "refused", "sum_no": number}
