"""Documents about the same goods name a common meeting point; others do not."""
from __future__ import annotations

from services.cli.journey import Journey
from services.management.domain.meeting_points import meeting_points
from shared.messages import decode_message


def doc(body: bytes):
    msg, _transport = decode_message(body)
    return msg.message_type, msg.documents[0]


def test_a_list_meets_its_order_and_its_waybill_but_not_another_journey():
    j, other = Journey(), Journey()
    lst, order, waybill = doc(j.list_message()), doc(j.order_message()), doc(j.waybill_message())
    assert set(meeting_points([lst])) & set(meeting_points([order]))
    assert set(meeting_points([lst])) & set(meeting_points([waybill]))
    assert not set(meeting_points([order])) & set(meeting_points([waybill]))
    assert not set(meeting_points([lst])) & set(meeting_points([doc(other.list_message()), doc(other.order_message())]))


def test_a_bill_meets_its_arrival_and_departure_and_the_points_come_sorted_once():
    j = Journey()
    bill, arrival, departure = doc(j.bill_message("33012026I000000001")), doc(j.arrival_message()), doc(j.departure_message())
    assert set(meeting_points([bill])) & set(meeting_points([arrival])) & set(meeting_points([departure]))
    points = meeting_points([bill, arrival, departure, doc(j.list_message()), doc(j.list_message())])
    assert points == sorted(set(points))
