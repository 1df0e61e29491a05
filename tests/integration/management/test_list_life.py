"""The whole life of lists through management's handlers on the real PostgreSQL."""
from __future__ import annotations

import pytest

from services.cli.journey import Journey

from .conftest import statuses

pytestmark = pytest.mark.integration


async def stored_and_audited(desk, j: Journey, **list_changes) -> str:
    await desk.send(j.order_message(list_item_changes=list_changes.get("item_changes")))
    await desk.send(j.waybill_message())
    seen = await desk.send(j.list_message(**list_changes))
    assert statuses(seen) == [("CEB604", j.cop_no, "2"), ("CEB604", j.cop_no, "120"), ("CEB604", j.cop_no, "399")]
    return seen[1].fields["invtNo"]


async def test_happy_path_from_order_to_departure(desk):
    j = Journey()
    assert statuses(await desk.send(j.order_message())) == [("CEB304", j.order_no, "2"), ("CEB304", j.order_no, "120")]
    assert statuses(await desk.send(j.waybill_message())) == [("CEB506", j.logistics_no, "2"), ("CEB506", j.logistics_no, "120")]
    seen = await desk.send(j.list_message())
    assert statuses(seen) == [("CEB604", j.cop_no, "2"), ("CEB604", j.cop_no, "120"), ("CEB604", j.cop_no, "399")]
    invt = seen[1].fields["invtNo"]
    assert all(s.fields["invtNo"] == invt for s in seen[1:])
    bill = f"WB{j.stamp}"
    assert statuses(await desk.send(j.bill_message(invt))) == [("CEB608", bill, "2"), ("CEB608", bill, "120")]
    arrival = await desk.send(j.arrival_message())
    assert statuses(arrival) == [("CEB508", f"AR{j.stamp}", "2"), ("CEB508", f"AR{j.stamp}", "120"),
                                 ("CEB604", j.cop_no, "800")]
    assert "sampling" in arrival[-1].info
    departure = await desk.send(j.departure_message())
    assert statuses(departure) == [("CEB510", f"DP{j.stamp}", "2"), ("CEB510", f"DP{j.stamp}", "120"),
                                   ("CEB604", j.cop_no, "899")]
    assert await desk.fetchval("SELECT status FROM bills WHERE bill_no = $1", j.bill_no) == "899"
    events = await desk.fetchval("SELECT array_agg(event ORDER BY h.id) FROM list_history h JOIN lists l ON l.id = h.list_id "
                                 "WHERE l.cop_no = $1", j.cop_no)
    assert events[:3] == ["declared", "receipt", "store"] and "release" in events and events[-1] == "receipt"


async def test_list_waits_for_order_and_waybill_and_says_so(desk):
    j = Journey()
    seen = await desk.send(j.list_message())
    assert [s.status for s in seen] == ["2", "120"]
    waiting = await desk.fetchval("SELECT waiting_for FROM lists WHERE cop_no = $1", j.cop_no)
    assert f"order {j.order_no}" in waiting and f"waybill {j.logistics_no}" in waiting
    assert statuses(await desk.send(j.order_message()))[-1][2] == "120"
    assert "order" not in await desk.fetchval("SELECT waiting_for FROM lists WHERE cop_no = $1", j.cop_no)
    seen = await desk.send(j.waybill_message())
    assert statuses(seen) == [("CEB506", j.logistics_no, "2"), ("CEB506", j.logistics_no, "120"),
                              ("CEB604", j.cop_no, "399")]


async def test_an_order_that_disagrees_rejects_the_waiting_list(desk):
    j = Journey()
    await desk.send(j.list_message())
    seen = await desk.send(j.order_message(item_changes={1: {"qty": "190", "totalPrice": "16245.00"}}))
    assert statuses(seen)[-1] == ("CEB604", j.cop_no, "100")
    assert "InventoryList[1]/qty" in seen[-1].info and "Order/goodsValue" in seen[-1].info
    # a rejected copNo may be declared again; corrected, it agrees with the order and waits for the waybill
    again = await desk.send(j.list_message(item_changes={1: {"qty": "190", "totalPrice": "16245.00"}}))
    assert [s.status for s in again] == ["2", "120"]


async def test_arrival_before_audit_conclusion_is_decided_when_the_audit_concludes(desk):
    j = Journey()
    await desk.send(j.order_message())
    seen = await desk.send(j.list_message())
    invt = seen[1].fields["invtNo"]
    await desk.send(j.bill_message(invt))
    arrival = await desk.send(j.arrival_message())
    assert [s.status for s in arrival] == ["2", "120"] and "decided later" in arrival[-1].info
    seen = await desk.send(j.waybill_message())
    assert [(s.key, s.status) for s in seen[2:]] == [(j.cop_no, "399"), (j.cop_no, "800")]


async def test_inspection_pass_and_fail_through_the_officer(desk):
    passed, failed = Journey(), Journey()
    watch = {"item_changes": {1: {"gcode": "5001000000"}}}
    for j in (passed, failed):
        invt = await stored_and_audited(desk, j, **watch)
        await desk.send(j.bill_message(invt))
        arrival = await desk.send(j.arrival_message())
        assert arrival[-1].status == "500" and "hs-watchlist" in arrival[-1].info
    tasks = await desk.fetchval("SELECT array_agg(id ORDER BY id) FROM inspections WHERE status = 'open'")
    outcome, seen = await desk.inspect(tasks[0], True, "goods match the declaration")
    assert statuses(seen) == [("CEB604", passed.cop_no, "800")] and outcome.list_status == "800"
    outcome, seen = await desk.inspect(tasks[1], False, "cocoons without a quarantine certificate")
    assert statuses(seen) == [("CEB604", failed.cop_no, "100")] and "quarantine certificate" in seen[0].info
    actor = await desk.fetchval("SELECT actor FROM list_history h JOIN lists l ON l.id = h.list_id "
                                "WHERE l.cop_no = $1 AND event = 'fail inspection'", failed.cop_no)
    assert actor == "officer-7"


async def test_cancellation_before_release_then_declared_again(desk):
    j = Journey()
    invt = await stored_and_audited(desk, j)
    seen = await desk.send(j.cancel_message(invt))
    assert statuses(seen) == [("CEB606", j.cop_no, "2"), ("CEB606", j.cop_no, "399")]
    assert await desk.fetchval("SELECT status FROM lists WHERE invt_no = $1", invt) == "cancelled"
    again = await desk.send(j.list_message())
    assert [s.status for s in again] == ["2", "120", "399"] and again[1].fields["invtNo"] != invt


async def test_cancellation_after_release_waits_for_the_officer(desk):
    j = Journey()
    invt = await stored_and_audited(desk, j)
    await desk.send(j.bill_message(invt))
    await desk.send(j.arrival_message())
    seen = await desk.send(j.cancel_message(invt))
    assert statuses(seen) == [("CEB606", j.cop_no, "2"), ("CEB606", j.cop_no, "300")]
    app_id = await desk.fetchval("SELECT id FROM applications WHERE status = 'pending' AND kind = 'cancellation'")
    _, seen = await desk.approve(app_id)
    assert statuses(seen) == [("CEB606", j.cop_no, "399")]
    assert await desk.fetchval("SELECT bill_no FROM lists WHERE invt_no = $1", invt) is None


async def test_cancellation_of_a_closed_list_is_refused_and_changes_nothing(desk):
    j = Journey()
    invt = await stored_and_audited(desk, j)
    await desk.send(j.bill_message(invt))
    await desk.send(j.arrival_message())
    await desk.send(j.departure_message())
    seen = await desk.send(j.cancel_message(invt))
    assert statuses(seen) == [("CEB606", j.cop_no, "2"), ("CEB606", j.cop_no, "100")]
    assert "closed" in seen[-1].info
    assert await desk.fetchval("SELECT status FROM lists WHERE invt_no = $1", invt) == "899"


async def test_modification_before_audit_and_after_release(desk):
    j = Journey()
    seen = await desk.send(j.list_message())
    invt = seen[1].fields["invtNo"]
    change = {1: {"qty": "190", "totalPrice": "16245.00"}}
    seen = await desk.send(j.list_message(app_type="2", item_changes=change))
    assert statuses(seen) == [("CEB604", j.cop_no, "2"), ("CEB604", j.cop_no, "120")]
    assert seen[0].fields["invtNo"] == invt and "version 2" in seen[1].info
    await desk.send(j.order_message(list_item_changes=change))
    seen = await desk.send(j.waybill_message())
    assert seen[-1].status == "399"
    await desk.send(j.bill_message(invt))
    assert (await desk.send(j.arrival_message()))[-1].status == "800"
    change2 = {1: {"qty": "180", "totalPrice": "15390.00"}}
    seen = await desk.send(j.list_message(app_type="2", item_changes=change2))
    assert statuses(seen) == [("CEB604", j.cop_no, "2"), ("CEB604", j.cop_no, "300")]
    app_id = await desk.fetchval("SELECT id FROM applications WHERE status = 'pending' AND kind = 'modification'")
    # the order must agree with the new content, else the new audit rejects it
    await desk.send(j.order_message(app_type="2", list_item_changes=change2))
    _, seen = await desk.approve(app_id)
    assert [s.status for s in seen] == ["120", "399", "800"]
    assert await desk.fetchval("SELECT count(*) FROM list_versions v JOIN lists l ON l.id = v.list_id "
                               "WHERE l.invt_no = $1", invt) == 2


async def test_partial_arrival_and_departure_with_an_unreleased_list(desk):
    first, second = Journey(), Journey()
    invt1 = await stored_and_audited(desk, first)
    invt2 = await stored_and_audited(desk, second)
    await desk.send(first.bill_message(invt1, [(invt2, second.logistics_no)]))
    arrival = await desk.send(first.arrival_message([first.logistics_no]))
    assert [(s.key, s.status) for s in arrival][2:] == [(first.cop_no, "800")]
    assert f"not arrived yet: {second.cop_no}" in arrival[1].info
    departure = await desk.send(first.departure_message())
    assert statuses(departure)[1:] == [("CEB510", f"DP{first.stamp}", "120"), ("CEB604", first.cop_no, "899")]
    assert f"still open: {second.cop_no} (399)" in departure[1].info
    assert await desk.fetchval("SELECT status FROM bills WHERE bill_no = $1", first.bill_no) == "120"
    # a departure with no released list left is refused and changes nothing
    again = await desk.send(first.departure_message())
    assert [s.status for s in again] == ["2", "100"] and "no list of bill" in again[1].info


async def test_transit_list_is_reported_by_the_exit_port(desk):
    j = Journey()
    invt = await stored_and_audited(desk, j, head={"portCode": "2244"})
    await desk.send(j.bill_message(invt))
    wrong = await desk.send(j.arrival_message())
    assert [s.status for s in wrong] == ["2", "100"] and "port 2244" in wrong[1].info
    right = await desk.send(j.arrival_message(customs_code="2244"))
    assert [s.status for s in right] == ["2", "120", "800"]
    closed = await desk.send(j.departure_message(customs_code="2244"))
    assert [s.status for s in closed] == ["2", "120", "899"]


async def test_payment_receipts_and_orders_are_stored_once(desk):
    j = Journey()
    assert [s.status for s in await desk.send(j.payment_message())] == ["2", "120"]
    assert [s.status for s in await desk.send(j.order_message())] == ["2", "120"]
    again = await desk.send(j.order_message())
    assert [s.status for s in again] == ["2", "100"] and "appType 2" in again[1].info
    assert [s.status for s in await desk.send(j.order_message(app_type="2"))] == ["2", "120"]


async def test_a_small_weight_difference_goes_to_manual_review(desk):
    j, k = Journey(), Journey()
    for journey in (j, k):
        await desk.send(journey.order_message())
        await desk.send(journey.waybill_message(head={"grossWeight": "42.500"}))
        seen = await desk.send(journey.list_message())
        assert [s.status for s in seen] == ["2", "120", "300"] and "Code:3204" in seen[-1].info
    review = await desk.fetchval("SELECT a.id FROM applications a JOIN lists l ON l.id = a.list_id "
                                 "WHERE l.cop_no = $1 AND a.kind = 'review'", j.cop_no)
    _, seen = await desk.approve(review)
    assert statuses(seen) == [("CEB604", j.cop_no, "399")]
    review = await desk.fetchval("SELECT a.id FROM applications a JOIN lists l ON l.id = a.list_id "
                                 "WHERE l.cop_no = $1 AND a.kind = 'review'", k.cop_no)
    _, seen = await desk.refuse(review, "the carrier weighed the pallet, not the parcel")
    assert statuses(seen) == [("CEB604", k.cop_no, "100")] and "pallet" in seen[0].info


async def test_a_bill_is_amended_until_its_goods_arrive(desk):
    first, second = Journey(), Journey()
    invt1 = await stored_and_audited(desk, first)
    invt2 = await stored_and_audited(desk, second)
    await desk.send(first.bill_message(invt1))
    twice = await desk.send(first.bill_message(invt1))
    assert [s.status for s in twice] == ["2", "100"] and "appType 2" in twice[1].info
    amended = await desk.send(first.bill_message(invt1, [(invt2, second.logistics_no)], app_type="2"))
    assert [s.status for s in amended] == ["2", "120"] and "revision 2" in amended[1].info
    assert await desk.fetchval("SELECT bill_no FROM lists WHERE invt_no = $1", invt2) == first.bill_no
    await desk.send(first.arrival_message([first.logistics_no]))
    late = await desk.send(first.bill_message(invt1, app_type="2"))
    assert [s.status for s in late] == ["2", "100"] and "arrived" in late[1].info
    assert await desk.fetchval("SELECT bill_no FROM lists WHERE invt_no = $1", invt2) == first.bill_no


async def test_a_modification_refused_by_the_officer_leaves_the_list_as_it_was(desk):
    j = Journey()
    invt = await stored_and_audited(desk, j)
    await desk.send(j.bill_message(invt))
    await desk.send(j.arrival_message())
    await desk.send(j.list_message(app_type="2", item_changes={1: {"qty": "190", "totalPrice": "16245.00"}}))
    app_id = await desk.fetchval("SELECT id FROM applications WHERE status = 'pending' AND kind = 'modification'")
    _, seen = await desk.refuse(app_id, "the goods were already weighed at the site")
    assert statuses(seen) == [("CEB604", j.cop_no, "100")] and "the list is unchanged (status 800)" in seen[0].info
    assert await desk.fetchval("SELECT status || '/' || version FROM lists WHERE invt_no = $1", invt) == "800/1"


async def test_officer_actions_in_the_wrong_state_are_refused_and_change_nothing(desk):
    from services.management.service_layer.officer import ActionRefused, NotFound
    j = Journey()
    invt = await stored_and_audited(desk, j, item_changes={1: {"gcode": "5001000000"}})
    await desk.send(j.bill_message(invt))
    await desk.send(j.arrival_message())
    task = await desk.fetchval("SELECT id FROM inspections WHERE status = 'open' ORDER BY id DESC LIMIT 1")
    await desk.inspect(task, True)
    with pytest.raises(ActionRefused, match="not open"):
        await desk.inspect(task, False, "changed my mind")
    with pytest.raises(NotFound):
        await desk.inspect(999999, True)
    await desk.send(j.cancel_message(invt))
    app_id = await desk.fetchval("SELECT id FROM applications WHERE kind = 'cancellation' ORDER BY id DESC LIMIT 1")
    await desk.refuse(app_id, "goods are on the aircraft")
    with pytest.raises(ActionRefused, match="not pending"):
        await desk.approve(app_id)
    assert await desk.fetchval("SELECT status FROM lists WHERE invt_no = $1", invt) == "800"


async def test_parts_of_a_bill_forwarded_one_by_one_each_bind_their_lists(desk):
    first, second = Journey(), Journey()
    invt1 = await stored_and_audited(desk, first)
    invt2 = await stored_and_audited(desk, second)
    assert [s.status for s in await desk.send(first.bill_message(invt1, msg_seq=(1, 2)))] == ["2", "120"]
    part2 = first.bill_message(invt2, msg_seq=(2, 2)).replace(first.logistics_no.encode(), second.logistics_no.encode())
    assert [s.status for s in await desk.send(part2)] == ["2", "120"]
    assert await desk.fetchval("SELECT count(*) FROM lists WHERE bill_no = $1", first.bill_no) == 2
    assert [s.status for s in await desk.send(part2)] == ["2", "100"]


async def test_a_refused_transition_undoes_the_document_and_answers_why(desk, monkeypatch):
    """Whatever a handler did before the machine refused a move is rolled back (savepoint)."""
    from services.management.domain.list_lifecycle import Event, ListStatus, TransitionRefused
    from services.management.service_layer import declarations

    j = Journey()
    await stored_and_audited(desk, j)

    async def departs_too_early(cl, d, doc, acceptance):
        cl.emit(acceptance)
        await cl.conn.execute("UPDATE lists SET status = '800' WHERE cop_no = $1", j.cop_no)
        raise TransitionRefused(ListStatus.STORED, Event.DEPART, "the list was never released")

    monkeypatch.setitem(declarations.HANDLERS, "CEB509", departs_too_early)
    seen = await desk.send(j.departure_message())
    assert [s.status for s in seen] == ["2", "100"] and "never released" in seen[1].info
    assert await desk.fetchval("SELECT status FROM lists WHERE cop_no = $1", j.cop_no) == "399"


async def test_the_inspection_queue_puts_b2b_exports_first(desk):
    retail, b2b = Journey(), Journey()
    watch = {1: {"gcode": "5001000000"}}
    for j, mode in ((retail, "9610"), (b2b, "9710")):
        invt = await stored_and_audited(desk, j, head={"tradeMode": mode}, item_changes=watch)
        await desk.send(j.bill_message(invt))
        assert (await desk.send(j.arrival_message()))[-1].status == "500"
    from services.management.adapters import inspections
    async with desk.pool.acquire() as conn:
        _, open_tasks = await inspections.queue(conn)
        queue = [t["cop_no"] for t in open_tasks if t["cop_no"] in (retail.cop_no, b2b.cop_no)]
    assert queue == [b2b.cop_no, retail.cop_no]


async def test_a_bill_without_invtno_and_a_postal_arrival_and_departure_without_billno(desk):
    """The standard's optional fields: the bill binds the list by its logisticsNo; arrival and
    departure name no bill (nor loctNo) and report the bill their package is bound to."""
    j = Journey()
    await stored_and_audited(desk, j)
    bill = await desk.send(j.bill_message(None))
    assert bill[-1].status == "120" and "with 1 list(s)" in bill[-1].info
    arrival = await desk.send(j.arrival_message(postal=True))
    assert statuses(arrival)[1:] == [("CEB508", f"AR{j.stamp}", "120"), ("CEB604", j.cop_no, "800")]
    departure = await desk.send(j.departure_message(postal=True))
    assert statuses(departure)[-1] == ("CEB604", j.cop_no, "899")
    assert await desk.fetchval("SELECT status FROM bills WHERE bill_no = $1", j.bill_no) == "899"


async def test_a_postal_arrival_of_an_unbound_package_names_the_missing_bill(desk):
    j = Journey()
    await stored_and_audited(desk, j)
    arrival = await desk.send(j.arrival_message(postal=True))
    assert arrival[-1].status == "100" and "2302" in arrival[-1].info and "billNo is empty" in arrival[-1].info
