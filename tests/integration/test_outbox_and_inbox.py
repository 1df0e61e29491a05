"""The outbox relay and the batch consumer on the real broker and database."""
from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.db.outbox import MESSAGE_ID_HEADER, OutgoingMessage, add_to_outbox
from shared.kafka.admin import TopicAdmin
from shared.kafka.consumer import BatchConsumer
from shared.kafka.relay import OutboxRelay, make_producer
from tests.support.records import read_records

pytestmark = pytest.mark.integration


async def records_on(bootstrap: str, producer, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in await producer.partitions_for(topic)]
        return sum((await consumer.end_offsets(tps)).values())
    finally:
        await consumer.stop()


@pytest.fixture
async def kafka_parts(kafka_bootstrap):
    admin = TopicAdmin(kafka_bootstrap, partitions=3)
    await admin.start()
    producer = make_producer(kafka_bootstrap)
    await producer.start()
    yield admin, producer
    await producer.stop()
    await admin.close()


async def test_relay_publishes_in_order_with_message_ids_and_empties_the_outbox(service_pool, kafka_bootstrap, kafka_parts, topic_prefix):
    admin, producer = kafka_parts
    topic = f"{topic_prefix}relay"
    messages = [OutgoingMessage.of(topic, "list-1", f"m{i}".encode()) for i in range(50)]
    async with service_pool.acquire() as conn, conn.transaction():
        await add_to_outbox(conn, messages)
    relay = OutboxRelay("relay-test", service_pool, producer, admin)
    assert await relay.publish_once() == 50
    got = await read_records(kafka_bootstrap, topic, 50)
    assert [r.value for r in got] == [f"m{i}".encode() for i in range(50)]  # one key, one partition, in order
    assert [dict(r.headers)[MESSAGE_ID_HEADER].decode() for r in got] == [str(m.message_id) for m in messages]
    async with service_pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0


async def test_rolled_back_state_change_emits_nothing(service_pool, kafka_parts, topic_prefix):
    admin, producer = kafka_parts
    with pytest.raises(RuntimeError):
        async with service_pool.acquire() as conn, conn.transaction():
            await add_to_outbox(conn, [OutgoingMessage.of(f"{topic_prefix}x", "k", b"never")])
            raise RuntimeError("the state change failed")
    relay = OutboxRelay("relay-test", service_pool, producer, admin)
    assert await relay.publish_once() == 0


async def _run_consumer(consumer: BatchConsumer, until, timeout: float = 30) -> None:
    task = asyncio.create_task(consumer.run())
    try:
        async def wait():
            while not until():
                if task.done():
                    task.result()
                await asyncio.sleep(0.1)
        await asyncio.wait_for(wait(), timeout)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_consumer_applies_each_message_once_and_dead_letters_poison(service_pool, kafka_bootstrap, topic_prefix):
    topic, dlq = f"{topic_prefix}in", f"{topic_prefix}in.dlq"
    admin = TopicAdmin(kafka_bootstrap, partitions=1)
    await admin.start()
    await admin.ensure({topic: {}, dlq: {}})
    await admin.close()
    async with service_pool.acquire() as conn:
        await conn.execute("CREATE TABLE applied (value text)")

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    dup_id = str(uuid.uuid4()).encode()
    for i in range(10):
        await producer.send(topic, f"ok-{i}".encode(), key=b"k")
    await producer.send(topic, b"poison", key=b"k")
    await producer.send(topic, b"resent", key=b"k", headers=[(MESSAGE_ID_HEADER, dup_id)])
    await producer.send(topic, b"resent", key=b"k", headers=[(MESSAGE_ID_HEADER, dup_id)])  # a relay re-send
    await producer.flush()
    await producer.stop()

    async def handler(records, batch):
        for r in records:
            if r.value == b"poison":
                raise ValueError("cannot apply this")
            await batch.conn.execute("INSERT INTO applied VALUES ($1)", r.value.decode())

    from shared.kafka.consumer import dead_letter_to
    consumer = BatchConsumer("test-consumer", [topic], bootstrap_servers=kafka_bootstrap, group_id=f"{topic_prefix}g",
                             pool=service_pool, handler=handler, dead_letter=dead_letter_to(dlq))
    await _run_consumer(consumer, lambda: consumer.processed >= 13)
    async with service_pool.acquire() as conn:
        values = [r["value"] for r in await conn.fetch("SELECT value FROM applied")]
        dead = await conn.fetch("SELECT reason, value FROM dead_letters")
        outbox = await conn.fetch("SELECT topic, headers FROM outbox")
    assert sorted(values) == sorted([f"ok-{i}" for i in range(10)] + ["resent"])
    assert [(d["value"], d["reason"]) for d in dead] == [(b"poison", "ValueError: cannot apply this")]
    assert [o["topic"] for o in outbox] == [dlq]
    assert ["dlq-reason", "ValueError: cannot apply this"] in outbox[0]["headers"]

    # a second consumer in the same group after a restart re-reads nothing
    again = BatchConsumer("test-consumer", [topic], bootstrap_servers=kafka_bootstrap, group_id=f"{topic_prefix}g",
                          pool=service_pool, handler=handler, dead_letter=dead_letter_to(dlq))
    await _run_consumer(again, lambda: again.assigned, timeout=30)
    async with service_pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM applied") == 11


async def test_relay_restarting_after_a_crash_does_not_resend_what_was_published(service_pool, kafka_bootstrap, kafka_parts, topic_prefix):
    """A crash after the broker's acknowledgement but before the delete leaves published rows behind."""
    admin, producer = kafka_parts
    topic = f"{topic_prefix}crash"
    published = [OutgoingMessage.of(topic, f"k{i}", f"sent-{i}".encode()) for i in range(5)]
    unpublished = OutgoingMessage.of(topic, "k9", b"not-yet")
    async with service_pool.acquire() as conn, conn.transaction():
        await add_to_outbox(conn, published + [unpublished])
    await admin.ensure({topic: {}})
    for m in published:  # what the relay had sent when it was killed
        await producer.send_and_wait(topic, m.value, key=m.key, headers=[(MESSAGE_ID_HEADER, str(m.message_id).encode())])

    relay = OutboxRelay("relay-test", service_pool, producer, admin, bootstrap_servers=kafka_bootstrap)
    assert await relay.forget_already_published() == 5
    assert await relay.publish_once() == 1
    got = await read_records(kafka_bootstrap, topic, 6)
    assert sorted(r.value for r in got) == sorted([f"sent-{i}".encode() for i in range(5)] + [b"not-yet"])
    assert await records_on(kafka_bootstrap, producer, topic) == 6  # nothing was sent twice


async def test_relay_keeps_per_key_order_across_partitions_and_sends_large_rows(service_pool, kafka_bootstrap, kafka_parts, topic_prefix):
    admin, producer = kafka_parts
    topic = f"{topic_prefix}order"
    messages = [OutgoingMessage.of(topic, f"list-{i % 7}", f"{i % 7}:{i}".encode()) for i in range(700)]
    big = OutgoingMessage.of(topic, "list-3", b"B" * (600 * 1024))  # larger than one record batch
    tail = OutgoingMessage.of(topic, "list-3", b"3:after-big")
    async with service_pool.acquire() as conn, conn.transaction():
        await add_to_outbox(conn, messages + [big, tail])
    relay = OutboxRelay("relay-test", service_pool, producer, admin, batch_size=1000)
    assert await relay.publish_once() == 702
    got = await read_records(kafka_bootstrap, topic, 702)
    for k in range(7):
        on_key = [r.value for r in got if r.key == f"list-{k}".encode()]
        expected = [m.value for m in messages if m.key == f"list-{k}".encode()]
        if k == 3:
            expected += [big.value, tail.value]
        assert on_key == expected
    assert len({r.partition for r in got}) > 1  # the keys were spread over partitions
