"""Per-sender fairness: senders take turns (a quantum each per batch and per round), what a sender
sends beyond its turn or its rate waits in the gateway and is taken in the order it came, the
buckets are shared through the database, and the turns are handed out where the gateway reads: a
flood on an enterprise's own inbound topic waits in Kafka, a turn at a time into the batches, while
the others' lists are answered; on the shared ceb.inbound a flood's partition fills no batch."""
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
            "SELECT key FROM outbox WHERE topic LIKE '%cbec.declarations' ORDER BY batch_id, position")]
    assert keys == [j.order_no for j in flood[3:]] + [late.order_no]  # in the order they were sent


async def _inbound_topics(kafka_bootstrap, settings, own_topics: bool) -> tuple[str, str]:
    """The flood's and the victim's topics: their own (partition 0 of one each), or the shared
    ceb.inbound of 3 partitions (keyed by DXP id: the agent's records on partition 0, the seller's on 1)."""
    if own_topics:
        names = settings.topic(topics.inbound_topic(EBC)), settings.topic(topics.inbound_topic(AGENT))
        partitions = 1
    else:
        names = (settings.topic(topics.INBOUND),) * 2
        partitions = 3
    admin = TopicAdmin(kafka_bootstrap, partitions)
    await admin.start()
    await admin.ensure(dict.fromkeys(names, {}))
    await admin.close()
    return names


def _intake_consumer(pool, kafka_bootstrap, topic_prefix, intake: Intake, flow: InboundFlow,
                     handler=None) -> BatchConsumer:
    consumer = BatchConsumer("gateway-intake", [], bootstrap_servers=kafka_bootstrap, group_id=f"{topic_prefix}gw",
                             pool=pool, handler=handler or intake.handle, decode=intake.read_envelope,
                             dead_letter=dead_letter_to("unused"), max_records=50,
                             pattern=topics.inbound_pattern(topic_prefix), trust_message_ids=False)
    consumer.flow = flow.turns
    return consumer


async def _declarations(pool) -> list[str]:
    async with pool.acquire() as conn:
        return [r["key"].decode() for r in await conn.fetch(
            "SELECT key FROM outbox WHERE topic LIKE '%cbec.declarations' ORDER BY batch_id, position")]


async def test_a_list_is_answered_while_another_senders_flood_is_worked_off(gateway_pool, kafka_bootstrap,
                                                                             topic_prefix):
    settings = settings_for(gateway_pool.schema, gateway_pool.database_url, CBEC_TOPIC_PREFIX=topic_prefix)
    flood_topic, own_topic = await _inbound_topics(kafka_bootstrap, settings, own_topics=True)
    flood = [Journey() for _ in range(300)]
    victim = Journey()
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", linger_ms=5)
    await producer.start()
    for j in flood:
        await producer.send(flood_topic, j.order_message(), key=EBC.encode())
    await producer.flush()

    pool = gateway_pool.pool
    quota = SenderQuota(100, 20, 10)
    intake = Intake(settings, quota)
    flow = InboundFlow(pool, topic_prefix, quota, backlog=30)
    consumer = _intake_consumer(pool, kafka_bootstrap, topic_prefix, intake, flow)
    tasks = [asyncio.create_task(consumer.run()), asyncio.create_task(FairIntake(pool, intake, lambda: None).run())]
    try:
        for _ in range(600):  # up to 30 s: the flood is being worked off, a slice of a turn as its tokens come
            if len(await _declarations(pool)) >= 30:
                break
            await asyncio.sleep(0.05)
        await producer.send_and_wait(own_topic, victim.list_message(), key=AGENT.encode())
        sent = time.monotonic()
        while victim.cop_no not in (keys := await _declarations(pool)):
            assert time.monotonic() - sent < 10, "the agent's list waited behind the flood"
            await asyncio.sleep(0.05)
        assert len(keys) < len(flood), "answered only once the flood was through"
        while len(keys := await _declarations(pool)) < len(flood) + 1:
            assert time.monotonic() - sent < 30, f"{len(keys)} of the flood through"
            await asyncio.sleep(0.2)
        async with pool.acquire() as conn:  # what waited, waited in Kafka: none of it was copied out
            assert await conn.fetchval("SELECT count(*) FROM deferred_intake") == 0
            assert await conn.fetchval("SELECT count(*) FROM inbox") == len(flood) + 1
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await producer.stop()
    flooded = [k for k in keys if k != victim.cop_no]
    assert flooded == [j.order_no for j in flood]  # each once, in the order sent


@pytest.mark.parametrize("own_topics", [True, False], ids=["own topics", "shared ceb.inbound"])
async def test_the_flood_gets_its_turn_and_no_more_before_a_later_list(gateway_pool, kafka_bootstrap, topic_prefix,
                                                                       own_topics):
    """The seller's 200 orders are all in Kafka before the agent's list, and the gateway starts
    after both: the list is still worked on within the flood's first turn's batch or the next, never
    behind what the flood sent beyond its turn (its bucket holds one turn, read a slice a batch; the
    next slice comes 2 s later)."""
    settings = settings_for(gateway_pool.schema, gateway_pool.database_url, CBEC_TOPIC_PREFIX=topic_prefix)
    flood_topic, victim_topic = await _inbound_topics(kafka_bootstrap, settings, own_topics)
    flood = [Journey() for _ in range(200)]
    victim = Journey()
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", linger_ms=5)
    await producer.start()
    try:
        for j in flood:
            await producer.send(flood_topic, j.order_message(), key=EBC.encode())
        await producer.flush()
        await producer.send_and_wait(victim_topic, victim.list_message(), key=AGENT.encode())
    finally:
        await producer.stop()

    pool = gateway_pool.pool
    quota = SenderQuota(rate=1, burst=10, quantum=10)
    intake = Intake(settings, quota)
    flow = InboundFlow(pool, topic_prefix, quota, backlog=100, backed_up=intake.backed_up)
    batches: list[list[str]] = []  # the senders of each batch's records, as the gateway read them

    async def handle(records, batch, **kw):
        batches.append([r.key for r in records])
        await intake.handle(records, batch, **kw)

    consumer = _intake_consumer(pool, kafka_bootstrap, topic_prefix, intake, flow, handle)
    task = asyncio.create_task(consumer.run())
    try:
        started = time.monotonic()
        while victim.cop_no not in (keys := await _declarations(pool)):
            assert time.monotonic() - started < 30, f"the list not worked on; batches read: {batches}"
            await asyncio.sleep(0.05)
        at = keys.index(victim.cop_no)
        while len(keys := await _declarations(pool)) < 2:  # the flood's first turn is in too
            assert time.monotonic() - started < 30, f"the flood's first turn not worked on; batches read: {batches}"
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert at <= quota.quantum, keys  # behind one turn of the flood at most
    read = [b.count(EBC) for b in batches]
    share = quota.turn(quota.burst) if own_topics else flow.share  # what a batch takes of the flood's partition
    assert read and max(read) <= share, read
    first_with_list = next(i for i, b in enumerate(batches) if AGENT in b)
    assert sum(read[:first_with_list + 1]) <= 2 * share, batches  # not behind the rest of the flood
    async with pool.acquire() as conn:
        deferred = await conn.fetchval("SELECT count(*) FROM deferred_intake")
        taken = await conn.fetchval("SELECT count(*) FROM inbox")  # what the committed batches read
    # own topics: the flood waits in Kafka; the shared topic defers what it read beyond the turn
    assert deferred == (0 if own_topics else taken - 1 - quota.quantum)
