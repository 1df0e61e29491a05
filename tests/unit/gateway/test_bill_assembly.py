"""Split bills in the domain: which messages are parts, when parts disagree, the whole bill."""
from __future__ import annotations

from services.gateway.domain.bill_assembly import combine, disagreement, missing, part_numbers
from tests.fixtures.gateway import message


def part(seq: int, count: int = 3, **head):
    m = message("CEB607")
    m.document.head.update(msgCount=str(count), msgSeqNo=str(seq), **head)
    m.document.items = [dict(m.document.items[0], gnum=str(seq), logisticsNo=f"QT-{seq}")]
    return m


def test_a_whole_bill_is_not_a_part():
    assert part_numbers(message("CEB607")) is None  # msgCount 1
    assert part_numbers(message("CEB603")) is None  # lists are never split


def test_part_numbers():
    assert part_numbers(part(2)) == ("WB20261128000001", 2, 3)


def test_parts_disagreeing_on_the_bill_number():
    problem = disagreement(part(1), 1, part(2, billNo="784-OTHER"), 2)
    assert problem.code == "2602" and problem.path == "WayBill[1]/WayBillHead/billNo"
    assert disagreement(part(1), 1, part(2), 2) is None


def test_missing_parts():
    assert missing({1: None, 3: None}, 4) == [2, 4]
    assert missing({1: None, 2: None}, 2) == []


def test_combined_bill_keeps_part_one_head_and_every_item_in_order():
    whole = combine({3: part(3), 1: part(1, guid="HEAD-OF-PART-1"), 2: part(2)})
    assert whole.document.head["guid"] == "HEAD-OF-PART-1"
    assert [i["logisticsNo"] for i in whole.document.items] == ["QT-1", "QT-2", "QT-3"]
