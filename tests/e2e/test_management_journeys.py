"""Each journey of an export list on the real stack, as the enterprises and the officers see it.

One stack serves the module (each journey uses numbers of its own); every journey asserts the
receipts of its documents in the order the enterprise receives them.
"""
from __future__ import annotations

import httpx
import pytest

from services.cli.journey import DEMO_ENTERPRISES, Journey
from services.cli.kafka_io import send
from tests.support.receipt_checks import ReceiptReader
from tests.support.stack import Stack, running_stack

pytestmark = pytest.mark.e2e

AGENT, EBC, LOGISTICS, OPERATOR = "DXPENT0000000001", "DXPENT0000000002", "DXPENT0000000003", "DXPENT0000000004"
WATCHLISTED = {1: {"gcode": "5001000000", "itemName": "Silkworm cocoons", "gname": "Silkworm cocoons"}}
SMALLER = {1: {"qty": "190", "totalPrice": "16245.00"}}
SMALLER_STILL = {1: {"qty": "180", "totalPrice": "15390.00"}}


@pytest.fixture(scope="module")
async def stack(kafka_bootstrap, admin_database_url, tmp_path_factory):
    async with running_stack(kafka_bootstrap, admin_database_url, tmp_path_factory.mktemp("management-journeys"),
                             enterprises=DEMO_ENTERPRISES) as s:
        yield s


class Enterprises:
    """Sends as the enterprises and reads every receipt they get."""

    def __init__(self, stack: Stack, reader: ReceiptReader) -> None:
        self.stack, self.reader, self.seen = stack, reader, []
        self._used: set[int] = set()

    async def send(self, sender: str, body: bytes) -> None:
        await send(self.stack.kafka, sender, body, self.stack.prefix)

    async def wait(self, predicate, timeout: float = 60):
        """The first receipt (already read or still to come) that matches."""
        for r in self.seen:
            if predicate(r):
                return r
        return await self.reader.wait_for(predicate, timeout, self.seen)

    async def until(self, key: str, *statuses: str, message_type: str | None = None, timeout: float = 60):
        """A receipt for ``key`` with one of ``statuses`` (lists: on the agent's topic) not waited for before."""
        def match(r) -> bool:
            return (id(r) not in self._used and r.key == key and r.status in statuses
                    and r.topic.endswith(AGENT if key.startswith("AG") else "")
                    and (message_type is None or r.receipt.message_type == message_type))
        found = await self.wait(match, timeout)
        self._used.add(id(found))
        return found

    def of(self, key: str, dxp: str = AGENT) -> list[tuple[str, str]]:
        return [(r.receipt.message_type, r.status) for r in self.seen if r.key == key and r.topic.endswith(dxp)]

    async def order_and_waybill(self, j: Journey, list_changes=None) -> None:
        await self.send(EBC, j.order_message(list_item_changes=list_changes))
        await self.until(j.order_no, "120", "100")
        await self.send(LOGISTICS, j.waybill_message())
        await self.until(j.logistics_no, "120", "100")

    async def audited(self, j: Journey, list_changes=None, **list_args) -> str:
        await self.order_and_waybill(j, list_changes)
        await self.send(AGENT, j.list_message(item_changes=list_changes, **list_args))
        audited = await self.until(j.cop_no, "399", "100")
        assert audited.status == "399", audited.receipt.fields
        return audited.receipt.fields["invtNo"]

    async def arrived(self, j: Journey, invt: str, others=(), customs_code: str | None = None) -> None:
        await self.send(AGENT, j.bill_message(invt, list(others)))
        await self.until(f"WB{j.stamp}", "120", "100")
        await self.send(OPERATOR, j.arrival_message(customs_code=customs_code))
        await self.until(j.cop_no, "800", "500")


@pytest.fixture
async def enterprises(stack):
    async with ReceiptReader(stack.kafka, [AGENT, EBC, LOGISTICS, OPERATOR], stack.prefix) as reader:
        yield Enterprises(stack, reader)


async def officer(stack: Stack, method: str, path: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.url("management"), timeout=10) as http:
        return await http.request(method, path, **kwargs)


async def list_view(stack: Stack, j: Journey) -> dict:
    resp = await officer(stack, "GET", f"/lists/3301960001/{j.cop_no}")
    resp.raise_for_status()
    return resp.json()


async def task_of(stack: Stack, j: Journey) -> int:
    queue = (await officer(stack, "GET", "/inspections", params={"limit": 1000})).json()["items"]
    return next(t["id"] for t in queue if t["cop_no"] == j.cop_no)


async def application_of(stack: Stack, j: Journey, kind: str) -> int:
    pending = (await officer(stack, "GET", "/applications", params={"limit": 1000})).json()["items"]
    return next(a["id"] for a in pending if a["cop_no"] == j.cop_no and a["kind"] == kind)


LIFE = [("CEB604", "2"), ("CEB604", "120"), ("CEB604", "399")]


async def test_inspected_list_that_passes(stack, enterprises):
    j = Journey()
    invt = await enterprises.audited(j, WATCHLISTED)
    await enterprises.arrived(j, invt)
    assert enterprises.of(j.cop_no)[-1] == ("CEB604", "500")
    task = await task_of(stack, j)
    refused = await officer(stack, "POST", f"/inspections/{task}/result", json={"result": "pass"})
    assert refused.status_code == 401  # no credential (nor, in the open profile, X-Operator): nobody acts anonymously
    resp = await officer(stack, "POST", f"/inspections/{task}/result", json={"result": "pass", "finding": "as declared"},
                         headers={"X-Operator": "officer-li"})
    assert resp.status_code == 200, resp.text
    await enterprises.until(j.cop_no, "800")
    assert enterprises.of(j.cop_no) == LIFE + [("CEB604", "500"), ("CEB604", "800")]
    view = await list_view(stack, j)
    assert view["status"] == "800"
    assert any(h["event"] == "pass inspection" and h["actor"] == "officer-li" for h in view["history"])
    assert any("hs-watchlist" in r for r in view["decision"]["rulesFired"])


async def test_inspected_list_that_fails(stack, enterprises):
    j = Journey()
    invt = await enterprises.audited(j, WATCHLISTED)
    await enterprises.arrived(j, invt)
    task = await task_of(stack, j)
    resp = await officer(stack, "POST", f"/inspections/{task}/result", headers={"X-Operator": "officer-li"},
                         json={"result": "fail", "finding": "cocoons without a quarantine certificate"})
    assert resp.status_code == 200, resp.text
    rejected = await enterprises.until(j.cop_no, "100")
    assert "quarantine certificate" in rejected.receipt.fields["returnInfo"]
    assert enterprises.of(j.cop_no) == LIFE + [("CEB604", "500"), ("CEB604", "100")]
    again = await officer(stack, "POST", f"/inspections/{task}/result", headers={"X-Operator": "officer-li"},
                          json={"result": "pass"})
    assert again.status_code == 409


async def test_cancellation_before_release_then_the_copno_is_declared_again(stack, enterprises):
    j = Journey()
    invt = await enterprises.audited(j)
    await enterprises.send(AGENT, j.cancel_message(invt))
    await enterprises.until(j.cop_no, "399", "100", message_type="CEB606")
    assert enterprises.of(j.cop_no) == LIFE + [("CEB606", "2"), ("CEB606", "399")]
    await enterprises.send(AGENT, j.list_message())
    await enterprises.wait(lambda r: r.key == j.cop_no and r.topic.endswith(AGENT)
                                      and r.receipt.message_type == "CEB604" and r.status == "399"
                                      and r.receipt.fields["invtNo"] != invt)
    assert enterprises.of(j.cop_no) == LIFE + [("CEB606", "2"), ("CEB606", "399")] + LIFE


async def test_cancellation_after_release_approved_by_an_officer(stack, enterprises):
    j = Journey()
    invt = await enterprises.audited(j)
    await enterprises.arrived(j, invt)
    await enterprises.send(AGENT, j.cancel_message(invt))
    await enterprises.until(j.cop_no, "300", message_type="CEB606")
    app = await application_of(stack, j, "cancellation")
    resp = await officer(stack, "POST", f"/applications/{app}/approve", json={"note": "goods returned to the seller"},
                         headers={"X-Operator": "officer-wang"})
    assert resp.status_code == 200, resp.text
    await enterprises.until(j.cop_no, "399", message_type="CEB606")
    assert enterprises.of(j.cop_no) == LIFE + [("CEB604", "800"), ("CEB606", "2"), ("CEB606", "300"), ("CEB606", "399")]
    view = await list_view(stack, j)
    assert view["status"] == "cancelled" and view["bill_no"] is None
    assert any(h["actor"] == "officer-wang" for h in view["history"])


async def test_modification_before_audit(stack, enterprises):
    j = Journey()
    await enterprises.send(AGENT, j.list_message())
    await enterprises.until(j.cop_no, "120")
    await enterprises.send(AGENT, j.list_message(app_type="2", item_changes=SMALLER))
    await enterprises.wait(lambda r: r.key == j.cop_no and r.topic.endswith(AGENT)
                                      and len(enterprises.of(j.cop_no)) >= 3)
    await enterprises.order_and_waybill(j, SMALLER)
    await enterprises.until(j.cop_no, "399", "100")
    assert enterprises.of(j.cop_no) == [("CEB604", "2"), ("CEB604", "120"), ("CEB604", "2"), ("CEB604", "120"),
                                        ("CEB604", "399")]
    view = await list_view(stack, j)
    assert view["version"] == 2 and view["items"][0]["qty"] == "190" and view["versions"][0]["items"][0]["qty"] == "200"


async def test_modification_after_release(stack, enterprises):
    j = Journey()
    invt = await enterprises.audited(j)
    await enterprises.arrived(j, invt)
    # the seller changes the order first, then the agent the list
    await enterprises.send(EBC, j.order_message(app_type="2", list_item_changes=SMALLER))
    await enterprises.wait(lambda r: r.key == j.order_no and r.topic.endswith(EBC)
                                      and len(enterprises.of(j.order_no, EBC)) >= 4)
    await enterprises.send(AGENT, j.list_message(app_type="2", item_changes=SMALLER))
    await enterprises.until(j.cop_no, "300", "100")
    app = await application_of(stack, j, "modification")
    resp = await officer(stack, "POST", f"/applications/{app}/approve", headers={"X-Operator": "officer-zhao"})
    assert resp.status_code == 200, resp.text
    await enterprises.wait(lambda r: r.key == j.cop_no and r.topic.endswith(AGENT)
                                      and enterprises.of(j.cop_no)[-1] in (("CEB604", "800"), ("CEB604", "500"))
                                      and len(enterprises.of(j.cop_no)) > 6)
    assert enterprises.of(j.cop_no) == LIFE + [("CEB604", "800"), ("CEB604", "2"), ("CEB604", "300"),
                                               ("CEB604", "120"), ("CEB604", "399"), ("CEB604", "800")]


async def test_a_list_whose_order_disagrees_is_rejected_with_the_reason(stack, enterprises):
    j = Journey()
    await enterprises.send(AGENT, j.list_message())
    await enterprises.until(j.cop_no, "120")
    await enterprises.send(EBC, j.order_message(item_changes=SMALLER))
    rejected = await enterprises.until(j.cop_no, "100")
    assert "InventoryList[1]/qty" in rejected.receipt.fields["returnInfo"]
    assert enterprises.of(j.cop_no) == [("CEB604", "2"), ("CEB604", "120"), ("CEB604", "100")]
    await enterprises.wait(lambda r: r.key == j.cop_no and r.topic.endswith(EBC) and r.status == "100")
    assert enterprises.of(j.cop_no, EBC) == [("CEB604", "100")]  # the seller hears of it too


async def test_partial_arrival_and_a_departure_with_an_unreleased_list(stack, enterprises):
    first, second = Journey(), Journey()
    invt1 = await enterprises.audited(first)
    invt2 = await enterprises.audited(second)
    await enterprises.send(AGENT, first.bill_message(invt1, [(invt2, second.logistics_no)]))
    await enterprises.until(f"WB{first.stamp}", "120", "100")
    await enterprises.send(OPERATOR, first.arrival_message([first.logistics_no]))
    await enterprises.until(first.cop_no, "800", "500")
    await enterprises.send(LOGISTICS, first.departure_message())
    await enterprises.until(first.cop_no, "899")
    departure = await enterprises.until(f"DP{first.stamp}", "120", "100")
    assert f"still open: {second.cop_no} (399)" in departure.receipt.fields["returnInfo"]
    assert enterprises.of(first.cop_no) == LIFE + [("CEB604", "800"), ("CEB604", "899")]
    assert enterprises.of(second.cop_no) == LIFE
    bill = (await officer(stack, "GET", f"/bills/{first.bill_no}")).json()
    assert bill["status"] == "120" and {b["cop_no"]: b["status"] for b in bill["lists"]} == {first.cop_no: "899", second.cop_no: "399"}


async def test_transit_list_arrives_and_departs_through_another_port(stack, enterprises):
    j = Journey()
    invt = await enterprises.audited(j, head={"portCode": "2244"})
    await enterprises.arrived(j, invt, customs_code="2244")
    await enterprises.send(LOGISTICS, j.departure_message(customs_code="2244"))
    await enterprises.until(j.cop_no, "899")
    assert enterprises.of(j.cop_no) == LIFE + [("CEB604", "800"), ("CEB604", "899")]
    assert enterprises.of(f"AR{j.stamp}", OPERATOR) == [("CEB508", "2"), ("CEB508", "120")]
    view = await list_view(stack, j)
    assert view["customs_code"] == "2992" and view["port_code"] == "2244"
    # the timeline: every message, decision and receipt, with times
    events = [h["event"] for h in view["history"]]
    for event in ("declared", "store", "conclude audit", "bound to bill", "arrived", "release", "depart"):
        assert event in events
    receipts = [h["detail"]["returnStatus"] for h in view["history"] if h["event"] == "receipt"]
    assert receipts == ["2", "120", "399", "800", "899"]
    assert all(h["at"] for h in view["history"])
    arrived = next(h for h in view["history"] if h["event"] == "arrived")
    assert arrived["detail"]["reportedBy"] == "2244"
    found = (await officer(stack, "GET", "/lists", params={"invtNo": invt})).json()
    assert found["total"] == 1 and [f["cop_no"] for f in found["items"]] == [j.cop_no]
