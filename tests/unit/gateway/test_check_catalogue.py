"""Every logic check of the catalogue: a message that trips it, and valid messages that pass it."""
from __future__ import annotations

from pathlib import Path

import pytest

from services.gateway.domain.check_catalogue import BY_CODE, CATALOGUE
from services.gateway.domain.checking import Context
from services.gateway.domain.verification import verify
from services.gateway.entrypoints import verification_doc
from tests.fixtures.gateway import ENTERPRISES, message, sender

ROOT = Path(__file__).resolve().parents[3]
ORDER_KEY = ("3301900005", "B2B-ORD-20261128-0001")


def context(message_type: str, **overrides) -> Context:
    """The world of the sample shipment: everyone registered, its order seen."""
    values = dict(
        sender=sender(message_type),
        kafka_key=sender(message_type).dxpId,
        parties={e.code: e for e in ENTERPRISES.values()},
        orders={ORDER_KEY: message("CEB303").document},
    )
    values.update(overrides)
    return Context(**values)


def _head(m, **fields):
    m.document.head.update(fields)
    return m


def _item(m, index, **fields):
    m.document.items[index].update(fields)
    return m


def _dup_package(m):
    m.document.items.append({**m.document.items[0], "gnum": "2"})
    return m


def _base(m, **fields):
    for k, v in fields.items():
        setattr(m.base_transfer, k, v)
    return m


# code -> (message type, mutation, context overrides, expected path)
TRIPS = {
    "2001": ("CEB603", lambda m: m, {"sender": ENTERPRISES["operator"]}, "CEB603Message"),
    "2002": ("CEB603", lambda m: _head(m, agentCode="3301960009"), {}, "Inventory[1]/InventoryHead/agentCode"),
    "2003": ("CEB603", lambda m: _base(m, dxpId="DXPENT0000000009"), {}, "BaseTransfer/dxpId"),
    "2004": ("CEB603", lambda m: m, {"transport_sender": "DXPENT0000000009"}, "DxpMsg/TransInfo/SenderId"),
    "2005": ("CEB603", lambda m: _head(m, ebcCode="3301969999"), {}, "Inventory[1]/InventoryHead/ebcCode"),
    "2101": ("CEB603", lambda m: _item(m, 1, gnum="3"), {}, "Inventory[1]/InventoryList[2]/gnum"),
    "2102": ("CEB603", lambda m: _item(m, 0, totalPrice="17000.00"), {}, "Inventory[1]/InventoryList[1]/totalPrice"),
    "2103": ("CEB603", lambda m: _head(m, netWeight="50.000"), {}, "Inventory[1]/InventoryHead/netWeight"),
    "2104": ("CEB607", lambda m: _head(m, msgCount="2", msgSeqNo="3"), {}, "WayBill[1]/WayBillHead/msgSeqNo"),
    "2105": ("CEB603", lambda m: _item(m, 0, currency="999"), {}, "Inventory[1]/InventoryList[1]/currency"),
    "2106": ("CEB603", lambda m: _head(m, country="999"), {}, "Inventory[1]/InventoryHead/country"),
    "2107": ("CEB603", lambda m: _item(m, 0, gcode="9914100090"), {}, "Inventory[1]/InventoryList[1]/gcode"),
    "2108": ("CEB303", lambda m: _head(m, goodsValue="100.00"), {}, "Order[1]/OrderHead/goodsValue"),
    "2109": ("CEB303", lambda m: _item(m, 0, currency="502"), {}, "Order[1]/OrderList[1]/currency"),
    "2110": ("CEB605", lambda m: _head(m, invtNo="INVT-1"), {}, "InvtCancel[1]/invtNo"),
    "2111": ("CEB607", _dup_package, {}, "WayBill[1]/WayBillList[2]/logisticsNo"),
    "2112": ("CEB603", lambda m: _head(m, tradeMode="1210"), {}, "Inventory[1]/InventoryHead/iacCode"),
    "2113": ("CEB213", lambda m: _head(m, country="142"), {}, "InvtRefund[1]/InvtRefundHead/country"),
    "2114": ("CEB701", lambda m: _head(m, startTime="20261101000000"), {}, "SummaryApply[1]/SummaryApplyHead/endTime"),
    "2115": ("CEB701", lambda m: _head(m, msgCount="2"), {}, "SummaryApply[1]/SummaryApplyHead/msgCount"),
    "2123": ("CEB403", lambda m: _head(m, charge="100.00"), {}, "Receipts[1]/charge"),
}


def test_every_check_the_gateway_runs_has_a_trip_case():
    assert set(TRIPS) == {c.code for c in CATALOGUE if c.run is not None}


def test_codes_are_unique_and_four_digits():
    codes = [c.code for c in CATALOGUE]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 4 and c.isdigit() for c in codes)


@pytest.mark.parametrize("code", sorted(TRIPS))
def test_check_trips(code):
    message_type, mutate, overrides, path = TRIPS[code]
    assert message_type in BY_CODE[code].applies_to
    problems = verify(mutate(message(message_type)), context(message_type, **overrides))
    mine = [p for p in problems if p.code == code]
    assert mine, problems
    assert mine[0].path == path
    rendered = mine[0].return_info()
    assert rendered.startswith(f"[Code:{code};Desc:{path}: ") and rendered.endswith("]")


PASSES = [(c.code, t) for c in CATALOGUE if c.run is not None for t in sorted(c.applies_to)]


@pytest.mark.parametrize("code,message_type", PASSES)
def test_valid_message_passes_check(code, message_type):
    problems = verify(message(message_type), context(message_type))
    assert [p for p in problems if p.code == code] == []


@pytest.mark.parametrize("message_type", sorted({t for _, t in PASSES}))
def test_valid_messages_pass_everything(message_type):
    assert verify(message(message_type), context(message_type)) == []


def test_payment_passes_when_the_order_is_unknown():
    m = _head(message("CEB403"), charge="100.00")
    assert verify(m, context("CEB403", orders={})) == []


def test_a_bonded_list_with_its_zone_enterprise_account_book_and_item_records_passes():
    m = _head(message("CEB603"), tradeMode="1239", iacCode="3301930007", iacName="Xiasha Bonded Logistics Centre",
              emsNo="T2992W000001")
    assert [p.path for p in verify(m, context("CEB603")) if p.code == "2112"] == [
        f"Inventory[1]/InventoryList[{i}]/itemRecordNo" for i in range(1, len(m.document.items) + 1)]
    for item in m.document.items:
        item["itemRecordNo"] = f"R{item['gnum']}"
    assert verify(m, context("CEB603")) == []
    assert [p.desc for p in verify(_head(m, iacCode="ZONE-1"), context("CEB603"))] == [
        "ZONE-1 is not a customs registration code (10 characters) or unified social credit code (18 characters)"]


def test_a_summary_by_period_needs_no_lists_and_one_without_either_is_refused():
    m = _head(message("CEB701"), startTime="20261101000000", endTime="20261130235959")
    m.document.items = []
    assert verify(m, context("CEB701")) == []
    m = _head(m, startTime="", endTime="")
    assert [p.code for p in verify(m, context("CEB701"))] == ["2114"]


def test_named_party_with_the_wrong_role():
    m = _head(message("CEB603"), logisticsCode="3301960002")
    problems = [p for p in verify(m, context("CEB603")) if p.code == "2005"]
    assert "without the role logistics" in problems[0].desc


def test_docs_verification_md_is_rendered_from_the_catalogue():
    doc = ROOT / "docs" / "verification.md"
    assert doc.read_text(encoding="utf-8") == verification_doc.render(), (
        "docs/verification.md is out of date: run python -m services.gateway.entrypoints.verification_doc")


def test_every_gateway_code_is_tripped_by_some_test():
    """Checks made outside ``verify`` (guid, signature, parts) are tripped in other test files."""
    texts = "".join(p.read_text(encoding="utf-8") for base in ("tests/unit/gateway", "tests/integration/gateway", "tests/e2e")
                    for p in (ROOT / base).glob("test_*.py") if "gateway" in str(p))
    missing = [c.code for c in CATALOGUE if c.by == "gateway" and f'"{c.code}"' not in texts and f"Code:{c.code}" not in texts]
    assert missing == []


def test_a_seller_may_declare_its_own_return_and_a_postal_carrier_tally_one():
    ebc, logistics = ENTERPRISES["ebc"], ENTERPRISES["logistics"]
    own = _base(_head(message("CEB213"), agentCode=ebc.code), copCode=ebc.code, dxpId=ebc.dxpId)
    assert [p.code for p in verify(own, context("CEB213", sender=ebc, kafka_key=ebc.dxpId))] == []
    postal = _base(_head(message("CEB215"), operatorCode=logistics.code), copCode=logistics.code, dxpId=logistics.dxpId)
    assert [p.code for p in verify(postal, context("CEB215", sender=logistics, kafka_key=logistics.dxpId))] == []
    assert [p.code for p in verify(message("CEB701"), context("CEB701", sender=ebc, kafka_key=ebc.dxpId))][:1] == ["2001"]
