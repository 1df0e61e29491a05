"""One export list's whole life through the three running services, as the enterprises see it."""
from __future__ import annotations

import pytest

from services.cli.journey import Journey
from services.cli.kafka_io import send
from tests.support.receipt_checks import ReceiptReader
from tests.support.records import drain_until

pytestmark = pytest.mark.e2e

AGENT, EBC, LOGISTICS, OPERATOR = "DXPENT0000000001", "DXPENT0000000002", "DXPENT0000000003", "DXPENT0000000004"


async def send_order_and_waybill(stack, j: Journey, reader: ReceiptReader, seen: list) -> None:
    """The seller's order (CEB303) and the carrier's waybill (CEB505): a 9710 list's audit needs both."""
    await send(stack.kafka, EBC, j.order_message(), stack.prefix)
    await reader.wait_for(lambda r: r.key == j.order_no and r.status in ("120", "100"), 60, seen)
    await send(stack.kafka, LOGISTICS, j.waybill_message(), stack.prefix)
    await reader.wait_for(lambda r: r.key == j.logistics_no and r.status in ("120", "100"), 60, seen)


async def run_journey(stack, j: Journey, fmt: str, reader: ReceiptReader, seen: list) -> None:
    await send_order_and_waybill(stack, j, reader, seen)
    await send(stack.kafka, AGENT, j.list_message(fmt), stack.prefix)
    audited = await reader.wait_for(lambda r: r.key == j.cop_no and r.status in ("399", "100"), 60, seen)
    assert audited.status == "399", audited.receipt.fields
    await send(stack.kafka, AGENT, j.bill_message(audited.receipt.fields["invtNo"]), stack.prefix)
    await reader.wait_for(lambda r: r.receipt.message_type == "CEB608" and r.status in ("120", "100"), 60, seen)
    await send(stack.kafka, OPERATOR, j.arrival_message(), stack.prefix)
    await reader.wait_for(lambda r: r.key == j.cop_no and r.status in ("800", "500"), 60, seen)
    await send(stack.kafka, LOGISTICS, j.departure_message(), stack.prefix)
    await reader.wait_for(lambda r: r.key == j.cop_no and r.status == "899" and r.topic.endswith(AGENT), 60, seen)


def by_topic(seen: list, dxp: str) -> list[tuple[str, str, str]]:
    return [(r.receipt.message_type, r.key, r.status) for r in seen if r.topic.endswith(dxp)]


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_sample_journey_receipts_reach_each_enterprise_in_order(stack, fmt):
    j = Journey()
    seen: list = []
    async with ReceiptReader(stack.kafka, [AGENT, EBC, LOGISTICS, OPERATOR], stack.prefix) as reader:
        await run_journey(stack, j, fmt, reader, seen)
        # the other enterprises' receipts are on other topics and may still be on their way
        await drain_until(reader, seen, lambda: len(by_topic(seen, LOGISTICS)) >= 2 and len(by_topic(seen, EBC)) >= 2)

    bill, arrival, departure = f"WB{j.stamp}", f"AR{j.stamp}", f"DP{j.stamp}"
    assert by_topic(seen, AGENT) == [
        ("CEB604", j.cop_no, "2"), ("CEB604", j.cop_no, "120"), ("CEB604", j.cop_no, "399"),
        ("CEB608", bill, "2"), ("CEB608", bill, "120"),
        ("CEB604", j.cop_no, "800"), ("CEB604", j.cop_no, "899"),
    ]
    assert by_topic(seen, OPERATOR) == [("CEB508", arrival, "2"), ("CEB508", arrival, "120")]
    assert by_topic(seen, LOGISTICS) == [("CEB506", j.logistics_no, "2"), ("CEB506", j.logistics_no, "120"),
                                         ("CEB510", departure, "2"), ("CEB510", departure, "120")]
    assert by_topic(seen, EBC) == [("CEB304", j.order_no, "2"), ("CEB304", j.order_no, "120"),
                                   ("CEB604", j.cop_no, "399"), ("CEB604", j.cop_no, "800"),
                                   ("CEB604", j.cop_no, "899")]

    agent = [r for r in seen if r.topic.endswith(AGENT) and r.key == j.cop_no]
    accepted, stored = agent[0].receipt.fields, agent[1].receipt.fields
    assert accepted["preNo"].startswith("B") and len(accepted["preNo"]) == 18
    assert stored["invtNo"][:4] == "2992" and stored["invtNo"][8] == "E"
    assert all(r.receipt.fields["copNo"] == j.cop_no for r in agent)
    assert all(r.receipt.fields["invtNo"] == stored["invtNo"] for r in agent[1:])
    # the receipt comes back in the format the list was sent in
    assert {r.headers.get("cbec-message-type") for r in agent} == {"CEB604"}
    raw_formats = {r.raw_format for r in agent}
    assert raw_formats == {fmt}


async def test_rejected_list_gets_100_with_the_reason_and_no_acceptance(stack):
    j = Journey()
    body = j.list_message("xml").replace(b"<ceb:totalPrice>17100.00</ceb:totalPrice>",
                                         b"<ceb:totalPrice>17000.00</ceb:totalPrice>")
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await send(stack.kafka, AGENT, body, stack.prefix)
        rejected = await reader.wait_for(lambda r: r.key == j.cop_no, 60)
    assert rejected.status == "100"
    assert "Code:2102" in rejected.receipt.fields["returnInfo"]
    assert "totalPrice" in rejected.receipt.fields["returnInfo"]


async def test_registering_an_enterprise_opens_its_receipt_topic(stack):
    """An ERP can write its inbound and subscribe to its receipt topic right after registration."""
    import httpx
    from aiokafka.admin import AIOKafkaAdminClient

    async with httpx.AsyncClient(base_url=stack.url("gateway")) as http:
        resp = await http.post("/enterprises", json={"code": "3301960099", "name": "Newly Registered Co.",
                                                     "dxpId": "DXPENT0000000099", "roles": ["agent"]})
    assert resp.status_code == 201
    kafka = resp.json()["kafka"]
    assert kafka["inbound_topic"] == f"{stack.prefix}ceb.inbound.DXPENT0000000099"
    assert kafka["password"] is None  # the open demo profile has no principals
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka)
    await admin.start()
    try:
        names = set(await admin.list_topics())
    finally:
        await admin.close()
    assert {f"{stack.prefix}ceb.receipts.DXPENT0000000099", f"{stack.prefix}ceb.inbound.DXPENT0000000099"} <= names
