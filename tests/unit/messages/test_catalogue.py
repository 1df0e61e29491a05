"""The catalogue says what the handbook and the samples say."""
from __future__ import annotations

import pytest
from lxml import etree

from shared.messages import RECEIPT_SPECS, spec_for, spec_for_root
from shared.messages.catalogue import MESSAGE_SPECS, message_type_of, receipt_spec_for
from shared.messages.xml_reading import local_name

from .message_files import SAMPLE_NAMES, sample

SHAPES = {
    # code: (document, head, list, receipt, receipt element)
    "CEB303": ("Order", "OrderHead", "OrderList", "CEB304", "OrderReturn"),
    "CEB403": ("Receipts", None, None, "CEB404", "ReceiptsReturn"),
    "CEB505": ("Logistics", None, None, "CEB506", "LogisticsReturn"),
    "CEB603": ("Inventory", "InventoryHead", "InventoryList", "CEB604", "InventoryReturn"),
    "CEB605": ("InvtCancel", None, None, "CEB606", "InvtCancelReturn"),
    "CEB607": ("WayBill", "WayBillHead", "WayBillList", "CEB608", "WayBillReturn"),
    "CEB507": ("Arrival", "ArrivalHead", "ArrivalList", "CEB508", "ArrivalReturn"),
    "CEB509": ("Departure", "DepartureHead", "DepartureList", "CEB510", "DepartureReturn"),
    "CEB213": ("InvtRefund", "InvtRefundHead", "InvtRefundList", "CEB214", "RefundReturn"),
    "CEB215": ("InvtRefundDetail", None, None, "CEB216", "InvtRefundDetailReturn"),
    "CEB701": ("SummaryApply", "SummaryApplyHead", "SummaryApplyList", "CEB702", "SummaryReturn"),
}


@pytest.mark.parametrize("code", sorted(SHAPES))
def test_every_export_message_type_has_its_shape(code):
    document, head, item, receipt, element = SHAPES[code]
    spec = spec_for(code)
    assert spec.root == f"{code}Message"
    assert spec_for_root(spec.root) is spec
    assert (spec.document.name, spec.document.head, spec.document.item) == (document, head, item)
    assert spec.document.flat == (head is None)
    assert (spec.receipt.message_type, spec.receipt.element) == (receipt, element)
    assert spec.receipt.answers == code
    assert RECEIPT_SPECS[receipt] is spec.receipt


def test_the_catalogue_holds_exactly_the_export_types():
    assert set(MESSAGE_SPECS) == set(SHAPES)
    assert set(RECEIPT_SPECS) == {shape[3] for shape in SHAPES.values()} | {"CEB900", "CEB792"}


@pytest.mark.parametrize("code", sorted(SHAPES))
def test_business_key_fields_are_head_fields_and_answered_in_the_receipt(code):
    spec = spec_for(code)
    receipt_fields = [field.name for field in spec.receipt.fields]
    for name in spec.business_key:
        assert spec.document.head_index[name].required
        assert name in receipt_fields
    assert spec.sender_field in spec.document.head_index


def test_business_keys_follow_the_handbook():
    keys = {code: spec.business_key for code, spec in MESSAGE_SPECS.items()}
    assert keys == {
        "CEB303": ("ebpCode", "orderNo"),
        "CEB403": ("ebcCode", "orderNo"),
        "CEB505": ("logisticsCode", "logisticsNo"),
        "CEB603": ("agentCode", "copNo"),
        "CEB605": ("copNo", "invtNo"),
        "CEB607": ("copNo", "logisticsCode"),
        "CEB507": ("copNo",),
        "CEB509": ("copNo",),
        "CEB213": ("agentCode", "coElNo"),
        "CEB215": ("operatorCode", "coElNo"),
        "CEB701": ("agentCode", "copNo"),
    }
    assert spec_for("CEB603").key_values({"agentCode": "A", "copNo": "C"}) == ("A", "C")


def test_only_bills_arrivals_and_departures_come_in_parts():
    split = {code for code, spec in MESSAGE_SPECS.items() if spec.split}
    assert split == {"CEB607", "CEB507", "CEB509"}
    for code in split:
        head = spec_for(code).document.head_index
        assert head["msgCount"].required and head["msgSeqNo"].required


# CEB900 has its own order; CEB792 is a result, not an answer
@pytest.mark.parametrize("code", sorted(set(RECEIPT_SPECS) - {"CEB900", "CEB792"}))
def test_receipts_carry_guid_then_the_documents_fields_then_the_return_fields(code):
    names = [field.name for field in receipt_spec_for(code).fields]
    assert names[0] == "guid"
    assert names[-3:] == ["returnStatus", "returnTime", "returnInfo"]


def test_the_format_error_receipt():
    spec = receipt_spec_for("CEB900")
    assert (spec.root, spec.element, spec.answers) == ("CEB900Message", "MessageReturn", None)
    assert [f.name for f in spec.fields] == [
        "guid", "returnStatus", "returnInfo", "returnTime", "oriCopMsgId", "oriMessageType", "oriBizMessage"
    ]


def test_field_formats_of_the_handbook():
    head = spec_for("CEB603").document.head_index
    assert head["ieFlag"].format.values == ("E",)
    assert head["appType"].format.values == ("1", "2", "3")
    assert head["appStatus"].format.values == ("1", "2")
    assert head["tradeMode"].format.values == ("9610", "9710", "9810", "1210", "1239")
    assert head["orderNo"].max_length == 60
    assert head["customsCode"].format.kind == head["portCode"].format.kind == "customs_code"
    item = spec_for("CEB603").document.item_index
    assert item["gcode"].format.kind == "hs_code"
    assert item["currency"].format.kind == "code3"
    assert spec_for("CEB303").document.head_index["orderType"].format.values == ("E", "B", "W")


@pytest.mark.parametrize("name", [n for n in SAMPLE_NAMES if n.endswith(".xml")])
def test_samples_list_their_fields_in_catalogue_order(name):
    """Every field the catalogue lists, in its order (an empty optional field the schema gives a
    fixed length, such as preNo, is left out: the schema does not admit it empty)."""
    root = etree.fromstring(sample(name))
    spec = spec_for_root(local_name(root.tag))
    doc = spec.document

    def expected(fields):
        return [f.name for f in fields if f.required or not (f.min_length or f.format.digits)]

    def present(container, fields):
        names = [local_name(e.tag) for e in container]
        return [n for n in expected(fields) if n in names] == names and set(expected(fields)) - {
            f.name for f in fields if not f.required} <= set(names)

    for document in root.iterchildren("{*}" + doc.name):
        if doc.flat:
            assert present(document, doc.head_fields)
            continue
        assert present(document.find("{*}" + doc.head), doc.head_fields)
        for item in document.iterchildren("{*}" + doc.item):
            assert present(item, doc.item_fields)


def test_lookups_of_unknown_types():
    with pytest.raises(KeyError):
        spec_for("CEB999")
    with pytest.raises(KeyError):
        receipt_spec_for("CEB603")
    assert spec_for_root("CEB999Message") is None
    assert message_type_of("CEB999Message") == "CEB999"
    assert message_type_of("DxpMsg") == ""
