"""Format-level field checks: each format kind passes good values and trips on bad ones."""
from __future__ import annotations

import pytest

from shared.messages import check_fields, decode_message
from shared.messages.catalogue import receipt_spec_for
from shared.messages.errors import FieldProblem
from shared.messages.field_checks import check_values
from shared.messages.model import CebMessage

from .message_files import INVT_NO, SAMPLE_NAMES, sample

HEAD = "Inventory[1]/InventoryHead"
ITEM = "Inventory[1]/InventoryList[1]"


def decoded(name: str) -> CebMessage:
    raw = sample(name).replace(b"INVTNO-FROM-120", INVT_NO.encode())
    return decode_message(raw)[0]


def list_with(head: dict | None = None, item: dict | None = None) -> CebMessage:
    message = decoded("CEB603_list.xml")
    message.document.head.update(head or {})
    message.document.items[0].update(item or {})
    return message


def codes(problems: list[FieldProblem]) -> list[tuple[str, str]]:
    return [(p.code, p.path) for p in problems]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_pass(name):
    assert check_fields(decoded(name)) == []


def test_the_samples_placeholder_passes_the_format_checks():
    """INVTNO-FROM-120 fits an invtNo (so the file is schema-valid); the gateway's 2110 refuses it."""
    message, _ = decode_message(sample("CEB605_cancel.xml"))
    assert check_fields(message) == []


HEAD_CASES = [
    # field, good values, bad values
    ("customsCode", ["2992", "0100"], ["299", "29921", "29A2"]),
    ("portCode", ["2992"], ["PVG"]),
    ("ebpCode", ["3301900005", "31209606ZK", "91330100MA2B3C4D5E"],
     ["330190000", "3301-90005", "33019000ab", "91330100MA2B3C4D5I"]),
    ("guid", ["7A6B9E2C-1F0D-4E55-9C1B-3D2E8F6A0B11", "7a6b9e2c-1f0d-4e55-9c1b-3d2e8f6a0b11"],
     ["7A6B9E2C1F0D4E559C1B3D2E8F6A0B11", "7A6B9E2C-1F0D-4E55-9C1B-3D2E8F6A0B1G"]),
    ("appTime", ["20261128101500", "20240229235959"],
     ["20261340101500", "20250229101500", "2026112810150", "2026-11-28 10:15"]),
    ("ieDate", ["20261128"], ["20260230", "2026112", "28/11/26"]),
    ("grossWeight", ["41.500", "0", "12"], ["41,5", "-1", "1e3", ".5", "5."]),
    ("packNo", ["3", "0"], ["3.0", "-3", "three"]),
    ("country", ["502", "142"], ["USA", "50", "5020"]),
    ("ieFlag", ["E"], ["I", "e"]),
    ("appType", ["1", "2", "3"], ["4", "0"]),
    ("appStatus", ["1", "2"], ["3"]),
    ("tradeMode", ["9610", "9710", "9810", "1210"], ["0110", "9600"]),
    ("statisticsFlag", ["A", "B"], ["C"]),
    ("fFlag", ["1", "2", "3"], ["4"]),
    ("trafMode", ["5", "A"], ["-"]),
]


@pytest.mark.parametrize("field, good, bad", HEAD_CASES, ids=[c[0] for c in HEAD_CASES])
def test_head_formats(field, good, bad):
    for value in good:
        assert check_fields(list_with(head={field: value})) == [], value
    for value in bad:
        problems = check_fields(list_with(head={field: value}))
        assert codes(problems) in ([("9006", f"{HEAD}/{field}")], [("9005", f"{HEAD}/{field}")]), value


ITEM_CASES = [
    ("gcode", ["6214100090"], ["621410009", "6214.10.00.90", "62141000900"]),
    ("currency", ["142", "502"], ["CNY"]),
    ("unit", ["011"], ["pcs"]),
    ("price", ["85.50", "85"], ["85,50", "$85"]),
    ("gnum", ["1", "12"], ["1.0", "a"]),
]


@pytest.mark.parametrize("field, good, bad", ITEM_CASES, ids=[c[0] for c in ITEM_CASES])
def test_item_formats(field, good, bad):
    for value in good:
        assert check_fields(list_with(item={field: value})) == [], value
    for value in bad:
        problems = check_fields(list_with(item={field: value}))
        assert [p.path for p in problems] == [f"{ITEM}/{field}"], value
        assert problems[0].code in ("9005", "9006")


def test_bad_format_names_the_value_and_what_was_expected():
    (problem,) = check_fields(list_with(head={"customsCode": "29A2"}))
    assert problem.code == "9006"
    assert "'29A2'" in problem.description and "4-digit" in problem.description
    assert str(problem) == f"[Code:9006;Desc:{HEAD}/customsCode: {problem.description}]"


def test_required_fields_missing_or_empty():
    message = list_with(head={"copNo": ""}, item={"gcode": ""})
    del message.document.head["agentCode"]
    assert codes(check_fields(message)) == [
        ("9004", f"{HEAD}/copNo"),
        ("9004", f"{HEAD}/agentCode"),
        ("9004", f"{ITEM}/gcode"),
    ]


def test_optional_fields_may_be_empty_or_absent():
    message = list_with(head={"billNo": "", "iacCode": ""}, item={"itemName": ""})
    del message.document.head["voyageNo"]
    assert check_fields(message) == []


def test_lengths():
    problems = check_fields(list_with(head={"orderNo": "O" * 61, "note": "n" * 1001}))
    assert codes(problems) == [("9005", f"{HEAD}/orderNo"), ("9005", f"{HEAD}/note")]
    assert "61 characters" in problems[0].description and "60" in problems[0].description
    assert check_fields(list_with(head={"orderNo": "订" * 60})) == []


def test_a_list_needs_goods_items():
    message = decoded("CEB603_list.xml")
    message.document.items.clear()
    assert codes(check_fields(message)) == [("9004", "Inventory[1]/InventoryList")]


def test_every_document_is_checked():
    message = decode_message(
        sample("CEB603_list.xml").replace(b"<ceb:ieFlag>E<", b"<ceb:ieFlag>I<")
    )[0]
    message.documents.append(message.documents[0].model_copy(deep=True))
    assert [p.path for p in check_fields(message)] == [
        "Inventory[1]/InventoryHead/ieFlag",
        "Inventory[2]/InventoryHead/ieFlag",
    ]


def test_flat_documents_and_base_transfer():
    message = decoded("CEB605_cancel.xml")
    message.document.head["reason"] = ""
    message.base_transfer.dxpMode = "FTP"
    message.base_transfer.copCode = ""
    assert codes(check_fields(message)) == [
        ("9004", "InvtCancel[1]/reason"),
        ("9004", "BaseTransfer/copCode"),
        ("9006", "BaseTransfer/dxpMode"),
    ]


def test_root_guid():
    message = decoded("CEB507_arrival.xml")
    message.guid = "not-a-guid"
    assert codes(check_fields(message)) == [("9006", "CEB507Message/@guid")]


def test_fields_the_catalogue_does_not_know():
    message = list_with(head={"discount": "5"})
    assert codes(check_fields(message)) == [("9011", f"{HEAD}/discount")]


def test_unknown_message_type():
    message = decoded("CEB603_list.xml").model_copy(update={"message_type": "CEB999"})
    assert codes(check_fields(message)) == [("9002", "CEB999")]


def test_order_type_of_an_order():
    from shared.messages.catalogue import spec_for

    fields = spec_for("CEB303").document.head_fields
    order_type = [f for f in fields if f.name == "orderType"]
    assert check_values(order_type, {"orderType": "B"}, "Order[1]/OrderHead") == []
    (problem,) = check_values(order_type, {"orderType": "X"}, "Order[1]/OrderHead")
    assert (problem.code, problem.path) == ("9006", "Order[1]/OrderHead/orderType")


def test_receipt_formats():
    spec = receipt_spec_for("CEB604")
    good = {"guid": "7A6B9E2C-1F0D-4E55-9C1B-3D2E8F6A0B11", "agentCode": "3301960001", "copNo": "AG1",
            "preNo": "B20261128000000001", "invtNo": "29922026E000000001", "ebcCode": "3301960002",
            "ebpCode": "3301960003", "orderNo": "ORD-1", "statisticsFlag": "A", "returnStatus": "-301",
            "returnTime": "20261128101500123", "returnInfo": "[Code:0000;Desc:ok]"}
    assert check_values(spec.fields, good, "InventoryReturn") == []
    bad = dict(good, returnTime="20261128101500", returnStatus="ok")
    assert [p.path for p in check_values(spec.fields, bad, "InventoryReturn")] == [
        "InventoryReturn/returnStatus", "InventoryReturn/returnTime"
    ]


def test_the_quick_checks_agree_with_the_formats():
    import random

    from shared.messages import field_formats
    from shared.messages.field_checks import predicate

    rng = random.Random(7)
    alphabet = "0123456789.-ABFZazIO ²٣\n"
    values = ["", "0", "1.", ".5", "1.5", "01", "2992", "29921", "20261128", "20261128101500", "20240229235959",
              "20250229101500", "20261128101500123", "3301960001", "91330100MA2B3C4D5E", "E", "DXP", "CEB603",
              "-1", "٣٣٣", "²"]
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20))) for _ in range(3000)]
    values += ["".join(rng.choice("0123456789") for _ in range(n)) for n in (3, 4, 8, 10, 14, 17, 18) for _ in range(300)]
    formats = [v for v in vars(field_formats).values() if isinstance(v, field_formats.FieldFormat)]
    for fmt in formats:
        quick = predicate(fmt)
        for value in values:
            assert (quick is None or bool(quick(value))) == fmt.accepts(value), (fmt.kind, value)
