"""Two instances of every service on the same Kafka and database, under a load of journeys.

An order, its waybill and its list are sent at the same moment (they travel on different
partitions, so two management instances handle them side by side); then bills, arrivals and
departures for groups of lists. Every list must reach its end (899) with each of its receipts once
and in order.
"""
from __future__ import annotations

import time
from collections import defaultdict

import pytest
from aiokafka import AIOKafkaProducer

from services.cli.journey import Journey
from services.cli.kafka_io import ReceiptReader
from shared.kafka import topics
from tests.e2e.test_journey import AGENT, EBC, LOGISTICS, OPERATOR
from tests.support.records import drain_until
from tests.support.stack import SERVICES

pytestmark = pytest.mark.e2e

JOURNEYS = 200
PER_BILL = 20
LIFE = [("CEB604", "2"), ("CEB604", "120"), ("CEB604", "399"), ("CEB604", "800"), ("CEB604", "899")]


async def send_all(producer: AIOKafkaProducer, stack, messages: list[tuple[str, bytes]]) -> None:
    for sender, body in messages:
        await producer.send(f"{stack.prefix}{topics.INBOUND}", body, key=sender.encode())
    await producer.flush()


async def test_two_instances_of_each_service_bring_every_list_to_its_end_exactly_once(stack):
    for svc in SERVICES:
        await stack.add_instance(svc)
    journeys = [Journey() for _ in range(JOURNEYS)]
    groups = [journeys[i:i + PER_BILL] for i in range(0, JOURNEYS, PER_BILL)]
    seen: list = []
    started = time.monotonic()
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        async with ReceiptReader(stack.kafka, [AGENT, EBC, LOGISTICS, OPERATOR], stack.prefix) as reader:
            # order, list and waybill of each journey at the same moment
            await send_all(producer, stack, [m for j in journeys for m in (
                (EBC, j.order_message()), (AGENT, j.list_message()), (LOGISTICS, j.waybill_message()))])

            def status_of(cop_no: str) -> set[str]:
                return {r.status for r in seen if r.key == cop_no and r.topic.endswith(AGENT)}

            await drain_until(reader, seen, lambda: all("399" in status_of(j.cop_no) for j in journeys),
                              timeout=120, settle=0.1)
            audited_after = time.monotonic() - started
            stuck = [j.cop_no for j in journeys if "399" not in status_of(j.cop_no)]
            assert not stuck, f"{len(stuck)} list(s) never audited, e.g. {stuck[:3]}"
            invt = {r.key: r.receipt.fields["invtNo"] for r in seen if r.status == "399" and r.topic.endswith(AGENT)}
            await send_all(producer, stack, [(AGENT, g[0].bill_message(
                invt[g[0].cop_no], [(invt[j.cop_no], j.logistics_no) for j in g[1:]])) for g in groups])
            bills = {f"WB{g[0].stamp}" for g in groups}
            await drain_until(reader, seen, lambda: bills <= {r.key for r in seen if r.status == "120"},
                              timeout=60, settle=0.1)
            await send_all(producer, stack, [(OPERATOR, g[0].arrival_message([j.logistics_no for j in g])) for g in groups])
            await drain_until(reader, seen, lambda: all("800" in status_of(j.cop_no) for j in journeys),
                              timeout=60, settle=0.1)
            await send_all(producer, stack, [(LOGISTICS, g[0].departure_message([j.logistics_no for j in g]))
                                             for g in groups])
            await drain_until(reader, seen, lambda: all("899" in status_of(j.cop_no) for j in journeys),
                              timeout=60, settle=3)
    finally:
        await producer.stop()
    elapsed = time.monotonic() - started
    lives: dict[str, list] = defaultdict(list)
    for r in seen:
        if r.topic.endswith(AGENT) and r.receipt.message_type == "CEB604":
            lives[r.key].append((r.receipt.message_type, r.status))
    wrong = {j.cop_no: lives[j.cop_no] for j in journeys if lives[j.cop_no] != LIFE}
    assert not wrong, f"{len(wrong)} of {JOURNEYS} lists with other receipts than {LIFE}, e.g. {list(wrong.items())[:3]}"
    print(f"{JOURNEYS} journeys through two instances of each service: audited after {audited_after:.1f} s, "
          f"all closed after {elapsed:.1f} s")
