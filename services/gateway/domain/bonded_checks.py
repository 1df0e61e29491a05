"""Checks of special-zone (bonded) export lists and of the return and summary messages that the
platform can make on the message alone (standard 202205 §2.11, §2.17, §2.21)."""
from __future__ import annotations

from shared import return_codes as codes
from shared.messages.catalogue import spec_for
from shared.messages.field_formats import PARTY_CODE
from shared.messages.model import CebMessage

from .checking import Context, Problem, documents, item_path

# tradeMode of a special-zone (bonded) export: 1210, and 1239 handled alike
BONDED_TRADE_MODES = frozenset({"1210", "1239"})
CHINA = "142"


def bonded_list_fields(message: CebMessage, ctx: Context) -> list[Problem]:
    """特殊区域出口模式必填: iacCode, iacName, emsNo in the head; 保税出口模式必填: itemRecordNo.
    (Of the head fields, those the catalogue's InventoryHead has: iacName comes with the schema's
    field lists.)"""
    out = []
    head_fields = [n for n in ("iacCode", "iacName", "emsNo") if n in spec_for(message.message_type).document.head_index]
    for number, path, doc in documents(message):
        mode = doc.get("tradeMode")
        if mode not in BONDED_TRADE_MODES:
            continue
        for name in head_fields:
            if not doc.get(name):
                out.append(Problem(codes.BONDED_LIST_FIELDS, f"{path}/{name}",
                                   f"a special-zone export (tradeMode {mode}) names the zone's warehouse enterprise "
                                   "(iacCode, iacName) and its account book (emsNo)"))
        iac = doc.get("iacCode")
        if iac and not PARTY_CODE.accepts(iac):
            out.append(Problem(codes.BONDED_LIST_FIELDS, f"{path}/iacCode",
                               f"{iac} is not a customs registration code (10 characters) or unified social "
                               "credit code (18 characters)"))
        for i, item in enumerate(doc.items, start=1):
            if not item.get("itemRecordNo"):
                out.append(Problem(codes.BONDED_LIST_FIELDS, f"{item_path(message, number, i)}/itemRecordNo",
                                   f"a bonded export (tradeMode {mode}) names each item's record number in the "
                                   "account book"))
    return out


def return_comes_from_abroad(message: CebMessage, ctx: Context) -> list[Problem]:
    """启运国（地区）不能为中国: returned goods come from abroad."""
    return [Problem(codes.RETURN_NOT_FROM_ABROAD, f"{path}/country", "returned goods come from abroad: the country of departure "
                    f"cannot be China ({CHINA})")
            for _, path, doc in documents(message) if doc.get("country") == CHINA]


def summary_period_or_lists(message: CebMessage, ctx: Context) -> list[Problem]:
    """startTime/endTime are given as a pair, endTime not before startTime; without them the
    summary names its lists (SummaryApplyList)."""
    out = []
    for _, path, doc in documents(message):
        start, end = doc.get("startTime"), doc.get("endTime")
        if bool(start) != bool(end):
            missing = "endTime" if start else "startTime"
            out.append(Problem(codes.SUMMARY_WITHOUT_LISTS_OR_PERIOD, f"{path}/{missing}", "startTime and endTime are given together"))
        elif start and end < start:
            out.append(Problem(codes.SUMMARY_WITHOUT_LISTS_OR_PERIOD, f"{path}/endTime", f"endTime {end} is before startTime {start}"))
        elif not start and not doc.items:
            out.append(Problem(codes.SUMMARY_WITHOUT_LISTS_OR_PERIOD, f"{path}", "a summary names its lists (SummaryApplyList) or a period "
                                                  "(startTime and endTime)"))
    return out


def summary_whole(message: CebMessage, ctx: Context) -> list[Problem]:
    """A summary is taken as one message (msgCount 1): summaries in parts are not supported yet."""
    return [Problem(codes.SUMMARY_IN_PARTS, f"{path}/msgCount", f"msgCount {doc.get('msgCount')}: a summary application in parts "
                    "is not supported; send it as one message (msgCount 1, msgSeqNo 1)")
            for _, path, doc in documents(message) if doc.get("msgCount") not in ("1", "")]
