"""Agreement between documents about the same shipment: list vs order, list vs waybill, payment
vs order. Each applies only when the other document has been seen by the platform (it is in the
context); the order or waybill may legitimately arrive later."""
from __future__ import annotations

from decimal import Decimal

from shared.messages.model import CebMessage, Document

from .verification import Context, Problem, dec, documents, item_path

CENT = Decimal("0.01")
# trade modes whose lists must match an e-commerce order (handbook: 9610/9710)
ORDER_TRADE_MODES = frozenset({"9610", "9710"})


def order_of(ctx: Context, doc: Document) -> Document | None:
    return ctx.orders.get((doc.get("ebpCode"), doc.get("orderNo")))


def list_matches_order(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for number, path, doc in documents(message):
        order = order_of(ctx, doc)
        if order is None or doc.get("tradeMode") not in ORDER_TRADE_MODES:
            continue
        where = f"order {doc.get('orderNo')}"
        if order.get("ebcCode") != doc.get("ebcCode"):
            out.append(Problem("2121", f"{path}/ebcCode",
                               f"{doc.get('ebcCode')} differs from the {where}'s ebcCode {order.get('ebcCode')}"))
        if len(order.items) != len(doc.items):
            out.append(Problem("2121", f"{path}",
                               f"the list has {len(doc.items)} item(s), the {where} {len(order.items)}"))
            continue
        for i, (item, ordered) in enumerate(zip(doc.items, order.items), start=1):
            for field in ("itemNo", "qty", "totalPrice"):
                mine, theirs = item.get(field, ""), ordered.get(field, "")
                if not mine or not theirs:
                    continue
                same = (dec(mine) == dec(theirs)) if field != "itemNo" else mine == theirs
                if not same:
                    out.append(Problem("2121", f"{item_path(message, number, i)}/{field}",
                                       f"{mine} differs from item {i} of the {where}: {theirs}"))
    return out


def list_matches_waybill(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for _, path, doc in documents(message):
        waybill = ctx.waybills.get((doc.get("logisticsCode"), doc.get("logisticsNo")))
        if waybill is None:
            continue
        mine, theirs = dec(doc.get("grossWeight")), dec(waybill.get("grossWeight"))
        if mine is not None and theirs is not None and mine != theirs:
            out.append(Problem("2122", f"{path}/grossWeight",
                               f"{doc.get('grossWeight')} differs from waybill {doc.get('logisticsNo')}'s "
                               f"grossWeight {waybill.get('grossWeight')}"))
        if waybill.get("ebcCode") and doc.get("ebcCode") and waybill.get("ebcCode") != doc.get("ebcCode"):
            out.append(Problem("2122", f"{path}/ebcCode",
                               f"{doc.get('ebcCode')} differs from waybill {doc.get('logisticsNo')}'s "
                               f"ebcCode {waybill.get('ebcCode')}"))
    return out


def payment_matches_order(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for _, path, doc in documents(message):
        order = order_of(ctx, doc)
        if order is None:
            continue
        where = f"order {doc.get('orderNo')}"
        if order.get("ebcCode") != doc.get("ebcCode"):
            out.append(Problem("2123", f"{path}/ebcCode",
                               f"{doc.get('ebcCode')} differs from the {where}'s ebcCode {order.get('ebcCode')}"))
        if order.get("currency") and doc.get("currency") and order.get("currency") != doc.get("currency"):
            out.append(Problem("2123", f"{path}/currency",
                               f"{doc.get('currency')} differs from the {where}'s currency {order.get('currency')}"))
        charge, value = dec(doc.get("charge")), dec(order.get("goodsValue"))
        freight = dec(order.get("freight")) or Decimal(0)
        if charge is not None and value is not None and charge.quantize(CENT) != (value + freight).quantize(CENT):
            out.append(Problem("2123", f"{path}/charge",
                               f"{doc.get('charge')} is not the {where}'s goodsValue + freight "
                               f"{(value + freight).quantize(CENT)}"))
    return out
