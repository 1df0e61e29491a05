"""Killed processes lose nothing and double nothing: SIGKILL in the middle of journeys."""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from aiokafka import AIOKafkaProducer

from services.cli.journey import Journey
from services.cli.kafka_io import send
from shared.kafka import topics
from tests.e2e.test_journey import AGENT, EBC, LOGISTICS, OPERATOR, send_order_and_waybill
from tests.support.receipt_checks import ReceiptReader
from tests.support.records import drain_until

pytestmark = pytest.mark.e2e

LISTS = 60


async def send_many(stack, bodies: list[bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for body in bodies:
            await producer.send(f"{stack.prefix}{topics.INBOUND}", body, key=AGENT.encode())
        await producer.flush()
    finally:
        await producer.stop()


@pytest.mark.parametrize("victim", ["management", "notification", "gateway"])
async def test_sigkill_mid_flow_every_receipt_arrives_exactly_once(stack, victim):
    journeys = [Journey() for _ in range(LISTS)]
    seen: list = []
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await send_many(stack, [j.list_message("xml") for j in journeys])
        # let part of the work happen, then kill the service without warning
        await reader.wait_for(lambda r: True, 60, seen)
        stack.kill(victim)
        await asyncio.sleep(1.0)
        stack.start(victim)
        await stack.wait_healthy(victim)
        expected = {(j.cop_no, s) for j in journeys for s in ("2", "120")}
        # read until every receipt is in, then a little longer: anything doubled would show
        await drain_until(reader, seen, lambda: expected <= {(r.key, r.status) for r in seen}, timeout=90, settle=3)
        got: Counter = Counter((r.key, r.status) for r in seen)
    assert set(got) == expected
    doubled = {k: n for k, n in got.items() if n > 1}
    assert not doubled, f"receipts delivered more than once: {doubled}"
    for j in journeys:
        statuses = [r.status for r in seen if r.key == j.cop_no]
        assert statuses == ["2", "120"], (j.cop_no, statuses)


async def test_each_step_of_a_journey_survives_a_killed_service(stack):
    """Each message is sent and the service that must handle it is killed at once."""
    j = Journey()
    seen: list = []

    async def kill_and_restart(victim: str) -> None:
        stack.kill(victim)
        stack.start(victim)
        await stack.wait_healthy(victim)

    async with ReceiptReader(stack.kafka, [AGENT, EBC, LOGISTICS, OPERATOR], stack.prefix) as reader:
        await send_order_and_waybill(stack, j, reader, seen)
        await send(stack.kafka, AGENT, j.list_message("xml"), stack.prefix)
        await kill_and_restart("gateway")
        stored = await reader.wait_for(lambda r: r.key == j.cop_no and r.status == "399", 90, seen)
        await send(stack.kafka, AGENT, j.bill_message(stored.receipt.fields["invtNo"]), stack.prefix)
        await kill_and_restart("management")
        await reader.wait_for(lambda r: r.receipt.message_type == "CEB608" and r.status == "120", 90, seen)
        await send(stack.kafka, OPERATOR, j.arrival_message(), stack.prefix)
        await kill_and_restart("notification")
        await reader.wait_for(lambda r: r.key == j.cop_no and r.status == "800" and r.topic.endswith(AGENT), 90, seen)
        await send(stack.kafka, LOGISTICS, j.departure_message(), stack.prefix)
        await kill_and_restart("management")
        await reader.wait_for(lambda r: r.key == j.cop_no and r.status == "899" and r.topic.endswith(AGENT), 90, seen)
        try:
            while True:
                seen.append(await reader.next(3))
        except TimeoutError:
            pass
    agent = [(r.receipt.message_type, r.status) for r in seen if r.topic.endswith(AGENT)]
    assert agent == [("CEB604", "2"), ("CEB604", "120"), ("CEB604", "399"), ("CEB608", "2"), ("CEB608", "120"),
                     ("CEB604", "800"), ("CEB604", "899")]
    assert [(r.receipt.message_type, r.status) for r in seen if r.topic.endswith(OPERATOR)] == [("CEB508", "2"), ("CEB508", "120")]
    assert [(r.receipt.message_type, r.status) for r in seen if r.topic.endswith(LOGISTICS)] == [
        ("CEB506", "2"), ("CEB506", "120"), ("CEB510", "2"), ("CEB510", "120")]
