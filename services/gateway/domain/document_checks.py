"""Checks of one document's own consistency: weights, parts, numbers customs assigned, packages."""
from __future__ import annotations

import re

from shared import return_codes as codes
from shared.messages.model import CebMessage

from .checking import Context, Problem, dec, documents, item_path, places

# customs list number: 4-digit customs code + 4-digit year + "E" + 9-digit serial
INVT_NO = re.compile(r"[0-9]{4}[0-9]{4}E[0-9]{9}")


def net_le_gross(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for _, path, doc in documents(message):
        net, gross = dec(doc.get("netWeight")), dec(doc.get("grossWeight"))
        if net is not None and gross is not None and net > gross:
            out.append(Problem(codes.NET_WEIGHT_OVER_GROSS, f"{path}/netWeight", f"net weight {net} exceeds gross weight {gross}"))
    return out


def part_number(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for _, path, doc in documents(message):
        count, seq = doc.get("msgCount"), doc.get("msgSeqNo")
        if count.isdigit() and seq.isdigit() and not (1 <= int(seq) <= int(count)):
            out.append(Problem(codes.PART_NUMBER_OUT_OF_RANGE, f"{path}/msgSeqNo", f"msgSeqNo {seq} must be between 1 and msgCount {count}"))
    return out


def list_numbers(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for number, path, doc in documents(message):
        for i, values in places(doc):
            invt = values.get("invtNo", "")
            if invt and not INVT_NO.fullmatch(invt):
                where = item_path(message, number, i) if i else path
                out.append(Problem(codes.NOT_A_LIST_NUMBER, f"{where}/invtNo",
                                   f"{invt!r} is not a list number customs assigned (4-digit customs code, "
                                   "year, E, 9-digit serial, e.g. 29922026E000000001): take it from the "
                                   "120 receipt of the list"))
    return out


def packages_once(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for number, _, doc in documents(message):
        seen: dict[str, int] = {}
        for i, item in enumerate(doc.items, start=1):
            no = item.get("logisticsNo", "")
            if not no:
                continue
            if no in seen:
                out.append(Problem(codes.PACKAGE_TWICE, f"{item_path(message, number, i)}/logisticsNo",
                                   f"{no} already appears in item {seen[no]}"))
            else:
                seen[no] = i
    return out
