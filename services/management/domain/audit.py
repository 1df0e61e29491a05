"""The audit of a stored list against its order (CEB303) and its waybill (CEB505).

Lists of trade mode 9610 (retail) and 9710 (B2B direct export) conclude their audit only when the
order and the waybill are present and agree with the list; until then the list waits and says for
what. Other trade modes (9810 overseas warehouse, 1210 special zone) are audited on the list alone.

A weight that differs from the waybill's by less than ``WEIGHT_TOLERANCE`` agrees; by less than
``REVIEW_BAND`` it goes to an officer (manual review, 300); beyond that the list is rejected.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum

from shared import return_codes as codes
from shared.return_codes import Problem

NEEDS_ORDER_AND_WAYBILL = frozenset({"9610", "9710"})
WEIGHT_TOLERANCE = Decimal("0.005")   # 0.5 %
REVIEW_BAND = Decimal("0.05")         # 5 %


class Verdict(str, Enum):
    CONCLUDED = "concluded"
    WAITING = "waiting"
    REVIEW = "review"
    REJECTED = "rejected"


@dataclass(frozen=True)
class AuditOutcome:
    verdict: Verdict
    findings: list[Problem] = field(default_factory=list)
    waiting_for: list[str] = field(default_factory=list)

    def text(self) -> str:
        if self.verdict is Verdict.WAITING:
            return "[Code:0000;Desc:audit waiting for " + "; ".join(self.waiting_for) + "]"
        if self.verdict is Verdict.CONCLUDED:
            return "[Code:0000;Desc:audit concluded: order and waybill agree with the list]"
        return "".join(f.return_info() for f in self.findings)


@dataclass(frozen=True)
class TradeDocument:
    """An order or a waybill as stored (head fields and items, strings as sent)."""

    head: dict[str, str]
    items: list[dict[str, str]] = field(default_factory=list)


def dec(value: str | None) -> Decimal | None:
    try:
        return Decimal(value or "")
    except (InvalidOperation, ValueError):
        return None


def _same_amount(a: str | None, b: str | None) -> bool:
    x, y = dec(a), dec(b)
    return x is not None and y is not None and x.quantize(Decimal("0.01")) == y.quantize(Decimal("0.01"))


def _order_findings(head: dict[str, str], items: list[dict[str, str]], order: TradeDocument) -> list[Problem]:
    out: list[Problem] = []
    if order.head.get("ebcCode") != head.get("ebcCode"):
        out.append(Problem(codes.ORDER_SELLER_MISMATCH, "Order/ebcCode", f"order's seller {order.head.get('ebcCode')} is not the list's {head.get('ebcCode')}"))
    if len(order.items) != len(items):
        out.append(Problem(codes.ORDER_ITEM_COUNT_MISMATCH, "Order/OrderList", f"order has {len(order.items)} item(s), the list {len(items)}"))
        return out
    for i, (o, li) in enumerate(zip(order.items, items), start=1):
        differs = {
            "itemNo": bool(o.get("itemNo")) and o.get("itemNo") != li.get("itemNo"),
            "gcode": bool(o.get("gcode")) and o.get("gcode") != li.get("gcode"),
            "qty": dec(o.get("qty")) != dec(li.get("qty")),
        }
        for name in (n for n, d in differs.items() if d):
            out.append(Problem(codes.ORDER_ITEM_MISMATCH, f"InventoryList[{i}]/{name}", f"list says {li.get(name)}, order says {o.get(name)}"))
        if not _same_amount(o.get("totalPrice"), li.get("totalPrice")):
            out.append(Problem(codes.ORDER_ITEM_PRICE_MISMATCH, f"InventoryList[{i}]/totalPrice", f"list says {li.get('totalPrice')}, order says {o.get('totalPrice')}"))
    total = sum((dec(i.get("totalPrice")) or Decimal(0) for i in items), Decimal(0))
    if order.head.get("goodsValue") and not _same_amount(order.head["goodsValue"], str(total)):
        out.append(Problem(codes.ORDER_VALUE_MISMATCH, "Order/goodsValue", f"order's goods value {order.head['goodsValue']} is not the list's total {total:.2f}"))
    return out


def _weight_gap(list_weight: str | None, waybill_weight: str | None) -> Decimal | None:
    a, b = dec(list_weight), dec(waybill_weight)
    if a is None or b is None or b == 0:
        return None
    return abs(a - b) / b


def _waybill_findings(head: dict[str, str], waybill: TradeDocument) -> tuple[list[Problem], list[Problem]]:
    """(disagreements, differences for review)."""
    hard: list[Problem] = []
    soft: list[Problem] = []
    if waybill.head.get("logisticsNo") != head.get("logisticsNo"):
        hard.append(Problem(codes.WAYBILL_LOGISTICS_NO_MISMATCH, "InventoryHead/logisticsNo", f"list says {head.get('logisticsNo')}, waybill says {waybill.head.get('logisticsNo')}"))
    if waybill.head.get("packNo") and head.get("packNo") and dec(waybill.head["packNo"]) != dec(head["packNo"]):
        hard.append(Problem(codes.WAYBILL_PACKAGES_MISMATCH, "InventoryHead/packNo", f"list says {head.get('packNo')} package(s), waybill {waybill.head['packNo']}"))
    gap = _weight_gap(head.get("grossWeight"), waybill.head.get("grossWeight"))
    if gap is None:
        hard.append(Problem(codes.WAYBILL_WEIGHT_MISMATCH, "InventoryHead/grossWeight", "list or waybill gross weight is not a number"))
    elif gap > REVIEW_BAND:
        hard.append(Problem(codes.WAYBILL_WEIGHT_MISMATCH, "InventoryHead/grossWeight", f"list says {head.get('grossWeight')} kg, waybill {waybill.head.get('grossWeight')} kg ({gap:.1%} apart)"))
    elif gap > WEIGHT_TOLERANCE:
        soft.append(Problem(codes.WAYBILL_WEIGHT_REVIEW, "InventoryHead/grossWeight", f"list says {head.get('grossWeight')} kg, waybill {waybill.head.get('grossWeight')} kg ({gap:.1%} apart): an officer reviews it"))
    return hard, soft


def audit_list(head: dict[str, str], items: list[dict[str, str]],
               order: TradeDocument | None, waybill: TradeDocument | None) -> AuditOutcome:
    if head.get("tradeMode") not in NEEDS_ORDER_AND_WAYBILL:
        return AuditOutcome(Verdict.CONCLUDED)
    hard: list[Problem] = []
    soft: list[Problem] = []
    if order is not None:
        hard += _order_findings(head, items, order)
    if waybill is not None:
        h, s = _waybill_findings(head, waybill)
        hard += h
        soft += s
    if hard:
        return AuditOutcome(Verdict.REJECTED, hard)
    waiting = []
    if order is None:
        waiting.append(f"order {head.get('orderNo')} of platform {head.get('ebpCode')} (CEB303)")
    if waybill is None:
        waiting.append(f"waybill {head.get('logisticsNo')} of {head.get('logisticsCode')} (CEB505)")
    if waiting:
        return AuditOutcome(Verdict.WAITING, waiting_for=waiting)
    if soft:
        return AuditOutcome(Verdict.REVIEW, soft)
    return AuditOutcome(Verdict.CONCLUDED)


GOODS_FIELDS = ("gcode", "gname", "qty", "unit", "qty1", "unit1", "qty2", "unit2", "price", "totalPrice", "currency", "itemNo")
WEIGHT_FIELDS = ("grossWeight", "netWeight", "packNo", "logisticsNo", "orderNo", "tradeMode", "ebcCode")


def changes_goods(old_head: dict[str, str], old_items: list[dict[str, str]],
                  new_head: dict[str, str], new_items: list[dict[str, str]]) -> list[str]:
    """What a modification changes that the audit and the risk decision depend on."""
    changed = [f"InventoryHead/{f}" for f in WEIGHT_FIELDS if (old_head.get(f) or "") != (new_head.get(f) or "")]
    if len(old_items) != len(new_items):
        changed.append("InventoryList (number of items)")
    else:
        for i, (a, b) in enumerate(zip(old_items, new_items), start=1):
            changed += [f"InventoryList[{i}]/{f}" for f in GOODS_FIELDS if (a.get(f) or "") != (b.get(f) or "")]
    return changed
