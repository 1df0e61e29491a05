"""What a return application (CEB213) must agree with: the list it returns goods of, and what
earlier returns of that list took back (standard 202205 §2.17.4). Pure: the caller reads the list
and the earlier returns."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from shared import return_codes as codes
from shared.receipts import info

# the return trade mode of each export trade mode (一般出口填 9661，特殊区域出口填 1261)
RETURN_TRADE_MODE = {"9610": "9661", "9710": "9661", "9810": "9661", "1210": "1261", "1239": "1261"}
SAME_AS_LIST = ("gcode", "gname", "gmodel", "unit", "unit1", "unit2")
QUANTITIES = ("qty", "qty1", "qty2")


def _dec(value: str) -> Decimal:
    try:
        return Decimal(value or "0")
    except (InvalidOperation, ValueError):
        return Decimal(0)


def return_problems(head: dict[str, Any], items: list[dict[str, Any]], list_head: dict[str, Any], list_items: list[dict[str, Any]],
                    earlier_items: list[list[dict[str, Any]]]) -> list[str]:
    """Each disagreement as a returnInfo part; [] when the return may be stored."""
    out = []
    for name in ("ebpCode", "ebcCode"):
        if head.get(name) != list_head.get(name):
            out.append(info(codes.RETURN_PARTIES_MISMATCH, f"InvtRefundHead/{name}: the return says {head.get(name)}, the list "
                                    f"{list_head.get('copNo')} says {list_head.get(name)}"))
    expected = RETURN_TRADE_MODE.get(list_head.get("tradeMode", ""))
    if head.get("tradeMode") and expected and head["tradeMode"] != expected:
        out.append(info(codes.RETURN_TRADE_MODE, f"InvtRefundHead/tradeMode: a return of a {list_head.get('tradeMode')} export is "
                                f"declared under {expected}, not {head['tradeMode']}"))
    by_gnum = {str(int(i["gnum"])): i for i in list_items if i.get("gnum", "").isdigit()}
    named: set[str] = set()
    for n, item in enumerate(items, start=1):
        gnum = str(int(item["gnum"])) if item.get("gnum", "").isdigit() else item.get("gnum", "")
        original = by_gnum.get(gnum)
        where = f"InvtRefundList[{n}]"
        if gnum in named:
            out.append(info(codes.RETURN_ITEM_MISMATCH, f"{where}/gnum: item {gnum} of the list is named twice"))
            continue
        named.add(gnum)
        if original is None:
            out.append(info(codes.RETURN_ITEM_MISMATCH, f"{where}/gnum: the list {list_head.get('copNo')} has no item {gnum}"))
            continue
        for name in SAME_AS_LIST:
            if (item.get(name) or "") != (original.get(name) or ""):
                out.append(info(codes.RETURN_ITEM_MISMATCH, f"{where}/{name}: the return says {item.get(name) or '(empty)'}, the "
                                        f"list's item {gnum} says {original.get(name) or '(empty)'}"))
        for name in QUANTITIES:
            taken = sum((_dec(e.get(name, "")) for earlier in earlier_items for e in earlier
                         if e.get("gnum", "").lstrip("0") == gnum), Decimal(0))
            left = _dec(original.get(name, "")) - taken
            if _dec(item.get(name, "")) > left:
                out.append(info(codes.RETURN_QUANTITY_EXCEEDED, f"{where}/{name}: {item.get(name)} exceeds what is left to return of the "
                                        f"list's item {gnum}: {left} of {original.get(name) or 0}"))
    return out
