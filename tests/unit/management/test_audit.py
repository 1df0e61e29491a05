"""The audit of a list against its order and waybill (no I/O)."""
from __future__ import annotations

import copy

from services.cli.journey import sample
from services.management.domain.audit import TradeDocument, Verdict, audit_list, changes_goods


def the_list():
    doc = sample("list").document
    return copy.deepcopy(doc.head), copy.deepcopy(doc.items)


def order_for(head, items, **changes):
    total = sum(float(i["totalPrice"]) for i in items)
    o_items = [{k: i[k] for k in ("gnum", "itemNo", "gcode", "qty", "price", "totalPrice")} for i in items]
    return TradeDocument({"ebcCode": head["ebcCode"], "orderNo": head["orderNo"], "goodsValue": f"{total:.2f}",
                          **changes}, o_items)


def waybill_for(head, **changes):
    return TradeDocument({"logisticsNo": head["logisticsNo"], "grossWeight": head["grossWeight"],
                          "packNo": head["packNo"], **changes})


def test_concluded_when_order_and_waybill_agree():
    head, items = the_list()
    outcome = audit_list(head, items, order_for(head, items), waybill_for(head))
    assert outcome.verdict is Verdict.CONCLUDED


def test_waits_and_says_for_what():
    head, items = the_list()
    outcome = audit_list(head, items, None, None)
    assert outcome.verdict is Verdict.WAITING
    assert "order B2B-ORD-20261128-0001" in outcome.text() and "waybill QT2026112800001" in outcome.text()
    only_waybill = audit_list(head, items, order_for(head, items), None)
    assert only_waybill.waiting_for == [f"waybill {head['logisticsNo']} of {head['logisticsCode']} (CEB505)"]


def test_an_order_that_disagrees_rejects_with_the_field():
    head, items = the_list()
    order = order_for(head, items)
    order.items[0]["qty"] = "190"
    outcome = audit_list(head, items, order, None)
    assert outcome.verdict is Verdict.REJECTED
    assert "InventoryList[1]/qty" in outcome.text() and "Code:3103" in outcome.text()


def test_goods_value_must_be_the_lists_total():
    head, items = the_list()
    outcome = audit_list(head, items, order_for(head, items, goodsValue="1.00"), waybill_for(head))
    assert outcome.verdict is Verdict.REJECTED and "Order/goodsValue" in outcome.text()


def test_weight_small_difference_goes_to_review_large_one_rejects():
    head, items = the_list()
    review = audit_list(head, items, order_for(head, items), waybill_for(head, grossWeight="42.500"))
    assert review.verdict is Verdict.REVIEW
    rejected = audit_list(head, items, order_for(head, items), waybill_for(head, grossWeight="60"))
    assert rejected.verdict is Verdict.REJECTED and "grossWeight" in rejected.text()


def test_other_trade_modes_need_no_order_or_waybill():
    head, items = the_list()
    head["tradeMode"] = "9810"
    assert audit_list(head, items, None, None).verdict is Verdict.CONCLUDED


def test_changes_goods_names_what_the_audit_depends_on():
    head, items = the_list()
    new_items = copy.deepcopy(items)
    new_items[0]["qty"] = "190"
    assert changes_goods(head, items, head, new_items) == ["InventoryList[1]/qty"]
    assert changes_goods(head, items, {**head, "note": "x"}, items) == []
    assert changes_goods(head, items, {**head, "grossWeight": "40"}, items) == ["InventoryHead/grossWeight"]
