"""Per-sender fairness: senders take turns (a quantum each per batch and per round), what a sender
sends beyond its turn or its rate waits in the gateway and is taken in the order it came, the
buckets are shared through the database, and a flood on an enterprise's own inbound topic waits in
Kafka (its partitions paused) while the others' lists are answered."""
from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import AIOKafkaProducer

from services.cli.journey import Journey
from services.gateway.domain.sender_quota import SenderQuota
from services.gateway.service_layer.fair_intake import FairIntake
from services.gateway.service_layer.inbound_flow import InboundFlow
from services.gateway.service_layer.intake import Intake
from shared.kafka import topics
from shared.kafka.admin import TopicAdmin
from shared.kafka.consumer import BatchConsumer, dead_letter_to

from .conftest import GatewayRig, record, settings_for

pytestmark = pytest.mark.integration

AGENT, EBC = "DXPENT0000000001", "DXPENT0000000002"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_flooding_sender_waits_its_turn_and_the_others_do_not(gateway_pool):
    clock = Clock()
    settings = settings_for(gateway_pool.schema, gateway_pool.database_url)
    intake = Intake(settings, SenderQuota(10, 5, 3, clock))
    rig = GatewayRig(gateway_pool.pool, intake)
    flood = [Journey() for _ in range(12)]
    other = Journey()
    out = await rig.feed(*[record(EBC, j.order_message()) for j in flood], record(AGENT, other.list_message()))
    # the flood's turn (3) went on, the nine others wait; the agent's list did not wait
    assert len([d for d in out.declarations if d.sender_dxp_id == EBC]) == 3
    assert [d.sender_dxp_id for d in out.declarations].count(AGENT) == 1
    async with gateway_pool.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM deferred_intake WHERE sender = $1", EBC) == 9
    # a later order of the flooding sender queues behind its earlier ones, whatever its tokens
    clock.now += 10
    late = Journey()
    out = await rig.feed(record(EBC, late.order_message()))
    assert out.declarations == []

    fair = FairIntake(gateway_pool.pool, intake, lambda: None)
    assert await fair.take_once() == 3  # a turn is 3
    assert await fair.take_once() == 2  # the bucket (5 at most) is empty
    assert await fair.take_once() == 0
    # a second gateway instance shares the bucket (it is in the database): no token for it either
    second = FairIntake(gateway_pool.pool, Intake(settings, SenderQuota(10, 5, 3, clock)), lambda: None)
    assert await second.take_once() == 0
    clock.now += 0.25
    assert await second.take_once() == 2
    clock.now += 10
    while await fair.take_once():
        pass
    async with gateway_pool.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM deferred_intake") == 0
        keys = [r["key"].decode() for r in await conn.fetch(
            "SELECT key FROM outbox WHERE topic LIKE '%cbec.declarations' ORDER BY id")]
    assert keys == [j.order_no for j in flood[3:]] + [late.order_no]  # in the order they were sent


async def test_a_list_is_answered_while_another_senders_flood_is_worked_off(gateway_pool, kafka_bootstrap,
                                                                             topic_prefix):
    settings = settings_for(gateway_pool.schema, gateway_pool.database_url, CBEC_TOPIC_PREFIX=topic_prefix,
                            CBEC_TOPIC_PARTITIONS="1", GATEWAY_SENDER_RATE="100", GATEWAY_SENDER_BURST="20",
                            GATEWAY_SENDER_QUANTUM="10")
    flood_topic, own_topic = settings.topic(topics.inbound_topic(EBC)), settings.topic(topics.inbound_topic(AGENT))
    admin = TopicAdmin(kafka_bootstrap, 1)
    await admin.start()
    await admin.ensure({flood_topic: {}, own_topic: {}})
    await admin.close()
    flood = [Journey() for _ in range(300)]
    victim = Journey()
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", linger_ms=5)
    await producer.start()
    for j in flood:
        await producer.send(flood_topic, j.order_message(), key=EBC.encode())
    await producer.flush()

    pool = gateway_pool.pool
    intake = Intake(settings, SenderQuota(100, 20, 10))
    consumer = BatchConsumer("gateway-intake", [], bootstrap_servers=kafka_bootstrap, group_id=f"{topic_prefix}gw",
                             pool=pool, handler=intake.handle, decode=intake.read_envelope,
                             dead_letter=dead_letter_to("unused"), max_records=50,
                             pattern=topics.inbound_pattern(topic_prefix), trust_message_ids=False)
    flow = InboundFlow(pool, topic_prefix, backlog=30)
    paused_seen: set[str] = set()

    async def held(assigned):
        out = await flow.held(assigned)
        paused_seen.update(tp.topic for tp in out)
        return out

    consumer.flow = held
    tasks = [asyncio.create_task(consumer.run()), asyncio.create_task(FairIntake(pool, intake, lambda: None).run())]

    async def declarations() -> list[str]:
        async with pool.acquire() as conn:
            return [r["key"].decode() for r in await conn.fetch(
                "SELECT key FROM outbox WHERE topic LIKE '%cbec.declarations' ORDER BY id")]

    try:
        for _ in range(600):  # up to 30 s: the flood is being worked off
            if paused_seen:
                break
            await asyncio.sleep(0.05)
        assert paused_seen == {flood_topic}
        await producer.send_and_wait(own_topic, victim.list_message(), key=AGENT.encode())
        sent = time.monotonic()
        while victim.cop_no not in (keys := await declarations()):
            assert time.monotonic() - sent < 10, "the agent's list waited behind the flood"
            await asyncio.sleep(0.05)
        assert len(keys) < len(flood), "answered only once the flood was through"
        async with pool.acquire() as conn:  # what waits, waits in Kafka: the gateway copied a few at most
            assert await conn.fetchval("SELECT count(*) FROM deferred_intake") <= 30 + 50
        while len(keys := await declarations()) < len(flood) + 1:
            assert time.monotonic() - sent < 30, f"{len(keys)} of the flood through"
            await asyncio.sleep(0.2)
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await producer.stop()
    flooded = [k for k in keys if k != victim.cop_no]
    assert flooded == [j.order_no for j in flood]  # each once, in the order sent
