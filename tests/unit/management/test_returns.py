"""A return application against its list: the checks of the standard's §2.17.4 (pure)."""
from __future__ import annotations

from services.management.domain.returns import return_problems

LIST_HEAD = {"copNo": "AG1", "ebpCode": "3301900005", "ebcCode": "3301960002", "tradeMode": "9710"}
LIST_ITEMS = [
    {"gnum": "1", "gcode": "6110300000", "gname": "Silk sweater", "gmodel": "M", "qty": "200", "qty1": "40",
     "unit": "011", "unit1": "035", "qty2": "", "unit2": ""},
    {"gnum": "2", "gcode": "6214100000", "gname": "Silk scarf", "gmodel": "L", "qty": "50", "qty1": "5",
     "unit": "011", "unit1": "035", "qty2": "", "unit2": ""},
]
HEAD = {"ebpCode": "3301900005", "ebcCode": "3301960002", "tradeMode": "9661"}


def returned(gnum: str = "2", **changes) -> dict:
    item = {k: v for k, v in LIST_ITEMS[int(gnum) - 1].items()}
    return {**item, **changes}


def codes(problems: list[str]) -> list[str]:
    return [p[len("[Code:"):len("[Code:") + 4] for p in problems]


def test_a_return_of_part_of_the_goods_of_one_item_passes():
    assert return_problems(HEAD, [returned("2", qty="20", qty1="2")], LIST_HEAD, LIST_ITEMS, []) == []


def test_the_seller_and_platform_are_the_lists():
    problems = return_problems({**HEAD, "ebcCode": "3301969999"}, [returned()], LIST_HEAD, LIST_ITEMS, [])
    assert codes(problems) == ["2702"] and "InvtRefundHead/ebcCode" in problems[0]


def test_items_are_the_lists_items_with_the_same_goods():
    problems = return_problems(HEAD, [returned("1", gcode="6110200000"), {**returned(), "gnum": "7"}],
                               LIST_HEAD, LIST_ITEMS, [])
    assert codes(problems) == ["2703", "2703"]
    assert "InvtRefundList[1]/gcode" in problems[0] and "no item 7" in problems[1]


def test_at_most_what_is_left_after_earlier_returns():
    earlier = [[returned("1", qty="150", qty1="30")]]
    assert return_problems(HEAD, [returned("1", qty="50", qty1="10")], LIST_HEAD, LIST_ITEMS, earlier) == []
    problems = return_problems(HEAD, [returned("1", qty="60", qty1="10")], LIST_HEAD, LIST_ITEMS, earlier)
    assert codes(problems) == ["2704"] and "what is left to return of the list's item 1: 50 of 200" in problems[0]


def test_the_return_trade_mode_follows_the_export_trade_mode():
    problems = return_problems({**HEAD, "tradeMode": "1261"}, [returned()], LIST_HEAD, LIST_ITEMS, [])
    assert codes(problems) == ["2705"]
    bonded = {**LIST_HEAD, "tradeMode": "1210"}
    assert return_problems({**HEAD, "tradeMode": "1261"}, [returned()], bonded, LIST_ITEMS, []) == []
    assert return_problems({**HEAD, "tradeMode": ""}, [returned()], LIST_HEAD, LIST_ITEMS, []) == []


def test_an_item_is_named_once():
    problems = return_problems(HEAD, [returned("2", qty="20"), returned("2", qty="20")], LIST_HEAD, LIST_ITEMS, [])
    assert codes(problems) == ["2703"] and "named twice" in problems[0]
