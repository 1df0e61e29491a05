"""Agreement between documents about the same sale: a payment receipt vs its order. It applies only
when the platform has seen the order (it is in the context); the order may legitimately arrive
later. Lists are audited against their order and waybill by management (31xx, 32xx), which also
waits for documents that arrive late."""
from __future__ import annotations

from decimal import Decimal

from shared import return_codes as codes
from shared.messages.model import CebMessage

from .checking import Context, Problem, dec, documents

CENT = Decimal("0.01")


def payment_matches_order(message: CebMessage, ctx: Context) -> list[Problem]:
    out = []
    for _, path, doc in documents(message):
        order = ctx.orders.get((doc.get("ebpCode"), doc.get("orderNo")))
        if order is None:
            continue
        where = f"order {doc.get('orderNo')}"
        if order.get("ebcCode") != doc.get("ebcCode"):
            out.append(Problem(codes.PAYMENT_DISAGREES_WITH_ORDER, f"{path}/ebcCode",
                               f"{doc.get('ebcCode')} differs from the {where}'s ebcCode {order.get('ebcCode')}"))
        if order.get("currency") and doc.get("currency") and order.get("currency") != doc.get("currency"):
            out.append(Problem(codes.PAYMENT_DISAGREES_WITH_ORDER, f"{path}/currency",
                               f"{doc.get('currency')} differs from the {where}'s currency {order.get('currency')}"))
        charge, value = dec(doc.get("charge")), dec(order.get("goodsValue"))
        freight = dec(order.get("freight")) or Decimal(0)
        if charge is not None and value is not None and charge.quantize(CENT) != (value + freight).quantize(CENT):
            out.append(Problem(codes.PAYMENT_DISAGREES_WITH_ORDER, f"{path}/charge",
                               f"{doc.get('charge')} is not the {where}'s goodsValue + freight "
                               f"{(value + freight).quantize(CENT)}"))
    return out
