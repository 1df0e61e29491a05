"""Which documents of a batch management handles as sets, and in which wave."""
from __future__ import annotations

from datetime import UTC, datetime

from services.management.service_layer.new_documents import Unit, keys_of, waves
from shared.contracts import Declaration, ReceiptIssued
from shared.messages.model import CebMessage, Document


def unit(message_type: str, **head: str) -> Unit:
    doc = Document(name="Doc", head=head)
    now = datetime.now(UTC)
    d = Declaration(message=CebMessage(message_type=message_type, guid="G", format="xml", documents=[doc]),
                    sender_dxp_id="DXP", sender_code="C", received_at=now)
    acceptance = ReceiptIssued(receipt_id="r", message_type="CEB604", business_key="k", fields={}, recipients=[],
                               issued_at=now, issued_by="gateway")
    u = Unit(d, doc, acceptance)
    u.keys = keys_of(u) or ()
    return u


def new_list(cop: str, order: str = "", parcel: str = "", app_type: str = "1") -> Unit:
    return unit("CEB603", agentCode="A", copNo=cop, ebpCode="P", orderNo=order or f"O-{cop}",
                logisticsCode="L", logisticsNo=parcel or f"Q-{cop}", appType=app_type)


def test_new_lists_and_new_trade_documents_are_handled_as_sets_the_rest_one_by_one():
    assert keys_of(new_list("1")) == (("list", "A", "1"), ("CEB303", "P", "O-1"), ("CEB505", "L", "Q-1"))
    assert keys_of(unit("CEB303", ebpCode="P", orderNo="O", appType="1")) == (("CEB303", "P", "O"),)
    assert keys_of(unit("CEB505", logisticsCode="L", logisticsNo="Q")) == (("CEB505", "L", "Q"),)
    assert keys_of(unit("CEB403", ebcCode="E", orderNo="O")) == (("CEB403", "E", "O"),)
    for one_by_one in (new_list("1", app_type="2"), new_list("1", app_type="3"),
                       unit("CEB303", ebpCode="P", orderNo="O", appType="2"), unit("CEB605", copNo="1"),
                       unit("CEB607", billNo="B"), unit("CEB507"), unit("CEB509"), unit("CEB999")):
        assert keys_of(one_by_one) is None


def test_documents_about_the_same_thing_go_to_later_waves_in_the_order_they_came():
    a, b, a_again = new_list("a"), new_list("b"), new_list("a")
    order_b = unit("CEB303", ebpCode="P", orderNo="O-b")
    waybill_b = unit("CEB505", logisticsCode="L", logisticsNo="Q-b")
    other_order = unit("CEB303", ebpCode="P", orderNo="O-x")
    c_same_order = new_list("c", order="O-x")
    planned = waves([a, b, a_again, order_b, other_order, waybill_b, c_same_order])
    assert planned == [[a, b, other_order], [a_again, order_b, waybill_b, c_same_order]]
    # three documents about one list: three waves; independent ones join the first
    chain = [new_list("z"), unit("CEB303", ebpCode="P", orderNo="O-z"), unit("CEB505", logisticsCode="L", logisticsNo="Q-z")]
    d = new_list("d")
    assert waves([*chain, d]) == [[chain[0], d], [chain[1], chain[2]]]
    assert waves([]) == []
