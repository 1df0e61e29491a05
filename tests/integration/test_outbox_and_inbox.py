"""The outbox relay and the batch consumer on the real broker and database."""
from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from fastapi import FastAPI

from shared.auth import Authenticator
from shared.db.outbox import OutgoingMessage, add_to_outbox, parked
from shared.kafka.admin import TopicAdmin
from shared.kafka.consumer import BatchConsumer
from shared.kafka.headers import MESSAGE_ID as MESSAGE_ID_HEADER
from shared.kafka.headers import TRACE_ID as TRACE_ID_HEADER
from shared.kafka.received import Undecodable, raw_value
from shared.kafka.relay import OutboxRelay
from shared.outbox_api import add_outbox_routes
from tests.support.records import read_records

pytestmark = pytest.mark.integration


@pytest.fixture
async def admin(kafka_bootstrap):
    admin = TopicAdmin(kafka_bootstrap, partitions=3)
    await admin.start()
    yield admin
    await admin.close()


@pytest.fixture
async def new_relay(service_pool, kafka_bootstrap, admin, topic_prefix):
    """Relays of one service (same transactional id and progress topic), stopped at the end."""
    made: list[OutboxRelay] = []

    def make(**kwargs) -> OutboxRelay:
        relay = OutboxRelay("relay-test", service_pool, admin, bootstrap_servers=kafka_bootstrap,
                            transactional_id=f"{topic_prefix}relay-test", progress_topic=f"{topic_prefix}relay-progress",
                            **kwargs)
        made.append(relay)
        return relay

    yield make
    for relay in made:
        await relay.stop()


async def test_relay_publishes_in_order_with_message_ids_and_empties_the_outbox(service_pool, kafka_bootstrap, new_relay, topic_prefix):
    topic = f"{topic_prefix}relay"
    messages = [OutgoingMessage.of(topic, "list-1", f"m{i}".encode()) for i in range(50)]
    async with service_pool.acquire() as conn, conn.transaction():
        await add_to_outbox(conn, messages)
    relay = new_relay()
    assert await relay.publish_once() == 50
    got = await read_records(kafka_bootstrap, topic, 50)
    assert [r.value for r in got] == [f"m{i}".encode() for i in range(50)]  # one key, one partition, in order
    assert [dict(r.headers)[MESSAGE_ID_HEADER].decode() for r in got] == [str(m.message_id) for m in messages]
    async with service_pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0
    await relay.stop()


async def test_rolled_back_state_change_emits_nothing(service_pool, new_relay, topic_prefix):
    with pytest.raises(RuntimeError):
        async with service_pool.acquire() as conn, conn.transaction():
            await add_to_outbox(conn, [OutgoingMessage.of(f"{topic_prefix}x", "k", b"never")])
            raise RuntimeError("the state change failed")
    relay = new_relay()
    assert await relay.publish_once() == 0
    await relay.stop()


async def test_relay_is_woken_by_a_commit_on_another_connection(service_pool, kafka_bootstrap, new_relay, topic_prefix):
    """Another instance's commit wakes the publishing relay at once: no waiting for an idle poll."""
    topic = f"{topic_prefix}woken"
    relay = new_relay(idle_poll_s=60)
    task = asyncio.create_task(relay.run())
    try:
        for _ in range(100):
            if relay.holder:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # past its first round: it now sleeps for its idle poll
        async with service_pool.acquire() as conn, conn.transaction():
            await add_to_outbox(conn, [OutgoingMessage.of(topic, "k", b"now")])
        got = await read_records(kafka_bootstrap, topic, 1, timeout=10)
        assert [r.value for r in got] == [b"now"]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


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
        await conn.execute("CREATE TABLE applied (value text, key text, trace text)")

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    dup_id = str(uuid.uuid4()).encode()
    for i in range(10):
        await producer.send(topic, f"ok-{i}".encode(), key=b"k", headers=[(TRACE_ID_HEADER, f"t-{i}".encode())])
    await producer.send(topic, b"poison", key=b"k")
    await producer.send(topic, b"garbled", key=b"k")  # refused by the topic's decoder, at the edge
    await producer.send(topic, b"resent", key=b"k", headers=[(MESSAGE_ID_HEADER, dup_id)])
    await producer.send(topic, b"resent", key=b"k", headers=[(MESSAGE_ID_HEADER, dup_id)])  # a relay re-send
    await producer.flush()
    await producer.stop()

    def decode(record):
        if record.value == b"garbled":
            raise Undecodable("not a test message: garbled")
        return raw_value(record)

    async def handler(messages, batch):
        for m in messages:
            assert m.model != b"garbled"
            if m.model == b"poison":
                raise ValueError("cannot apply this")
            await batch.conn.execute("INSERT INTO applied VALUES ($1, $2, $3)", m.model.decode(), m.key, m.trace_id)

    from shared.kafka.consumer import dead_letter_to
    consumer = BatchConsumer("test-consumer", [topic], bootstrap_servers=kafka_bootstrap, group_id=f"{topic_prefix}g",
                             pool=service_pool, handler=handler, decode=decode, dead_letter=dead_letter_to(dlq))
    await _run_consumer(consumer, lambda: consumer.processed >= 14)
    async with service_pool.acquire() as conn:
        applied = {r["value"]: (r["key"], r["trace"]) for r in await conn.fetch("SELECT * FROM applied")}
        dead = await conn.fetch("SELECT reason, value FROM dead_letters ORDER BY id")
        outbox = await conn.fetch("SELECT topic, headers FROM outbox ORDER BY batch_id, position")
    assert sorted(applied) == sorted([f"ok-{i}" for i in range(10)] + ["resent"])
    assert applied["ok-3"] == ("k", "t-3")  # the handler got the key and the trace, typed
    assert sorted((d["value"], d["reason"]) for d in dead) == [(b"garbled", "not a test message: garbled"),
                                                               (b"poison", "ValueError: cannot apply this")]
    assert consumer.dead_lettered == 2
    assert [o["topic"] for o in outbox] == [dlq, dlq]
    assert ["dlq-reason", "ValueError: cannot apply this"] in [h for o in outbox for h in o["headers"]]
    assert ["dlq-reason", "not a test message: garbled"] in [h for o in outbox for h in o["headers"]]

    # a second consumer in the same group after a restart re-reads nothing
    again = BatchConsumer("test-consumer", [topic], bootstrap_servers=kafka_bootstrap, group_id=f"{topic_prefix}g",
                          pool=service_pool, handler=handler, decode=decode, dead_letter=dead_letter_to(dlq))
    await _run_consumer(again, lambda: again.assigned, timeout=30)
    async with service_pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM applied") == 11
        assert await conn.fetchval("SELECT count(*) FROM dead_letters") == 2


class Crash(Exception):
    pass


async def _published_ids(bootstrap: str, topic: str) -> list[str]:
    """Every committed record's message id on ``topic`` (read to its end)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, isolation_level="read_committed")
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(3)]  # the admin fixture's partition count
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        ids: list[str] = []
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            for recs in (await consumer.getmany(timeout_ms=500)).values():
                ids += [dict(r.headers)[MESSAGE_ID_HEADER].decode() for r in recs]
        return ids
    finally:
        await consumer.stop()


async def test_relay_crashing_between_acknowledgement_and_delete_sends_nothing_twice(
        service_pool, kafka_bootstrap, new_relay, topic_prefix, monkeypatch):
    """More rows outstanding than one relay batch; the relay dies after its round is on the broker
    (and once more in the middle of a round, before the commit); each message reaches the topic once."""
    topic = f"{topic_prefix}crash"
    messages = [OutgoingMessage.of(topic, f"k{i % 5}", f"m{i}".encode()) for i in range(230)]
    async with service_pool.acquire() as conn, conn.transaction():
        await add_to_outbox(conn, messages)

    import shared.kafka.relay as relay_module
    real_delete = relay_module.mark_published

    async def crash_before_delete(conn, ids):
        raise Crash("killed after the broker's acknowledgement, before the delete")

    first = new_relay(batch_size=50)
    monkeypatch.setattr(relay_module, "mark_published", crash_before_delete)
    with pytest.raises(Crash):
        await first.publish_once()  # 50 rows are on the topic and still in the outbox

    second = new_relay(batch_size=50)  # the restarted service: fences the first one's producer
    monkeypatch.setattr(relay_module, "mark_published", real_delete)
    await second.start()
    assert await second.recover() == 50
    assert await second.publish_once() == 50
    real_commit = second._producer.commit_transaction

    async def crash_before_commit():
        raise Crash("killed with its round sent but not committed")

    second._producer.commit_transaction = crash_before_commit
    with pytest.raises(Crash):
        await second.publish_once()
    second._producer.commit_transaction = real_commit

    third = new_relay(batch_size=50)  # aborts the second one's open transaction
    await third.start()
    assert await third.recover() == 0  # the last committed round was deleted before the crash
    while await third.publish_once():
        pass
    for relay in (first, second, third):
        await relay.stop()
    ids = await _published_ids(kafka_bootstrap, topic)
    assert len(ids) == len(set(ids)), "a message reached the topic twice"
    assert sorted(ids) == sorted(str(m.message_id) for m in messages)
    got = await read_records(kafka_bootstrap, topic, len(messages))
    for k in range(5):  # and each key's messages in order
        assert [r.value for r in got if r.key == f"k{k}".encode()] == [m.value for m in messages if m.key == f"k{k}".encode()]


async def test_relay_parks_a_row_the_broker_refuses_and_carries_on(service_pool, kafka_bootstrap, admin, new_relay,
                                                                   topic_prefix):
    topic = f"{topic_prefix}small"
    await admin.ensure({topic: {"max.message.bytes": "100000"}})
    before = [OutgoingMessage.of(topic, "list-1", f"before-{i}".encode()) for i in range(5)]
    oversized = OutgoingMessage.of(topic, "list-1", b"X" * 300_000)
    after = [OutgoingMessage.of(topic, "list-1", f"after-{i}".encode()) for i in range(5)]
    async with service_pool.acquire() as conn, conn.transaction():
        await add_to_outbox(conn, before + [oversized] + after)
    relay = new_relay()
    task = asyncio.create_task(relay.run())
    try:
        got = await read_records(kafka_bootstrap, topic, 10, timeout=30)
        assert [r.value for r in got] == [m.value for m in before + after]
        assert not task.done()  # the relay is still running
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    async with service_pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0
        [row] = await parked(conn)
    assert (row.message_id, row.topic, row.size) == (oversized.message_id, topic, 300_000)
    assert "MessageSizeTooLarge" in row.reason

    # officers see it on the service's API and send it again once its cause is fixed
    app = FastAPI()
    woken: list[bool] = []
    auth = Authenticator("secure", key="k" * 32, admin_token="admin-token-for-the-test")
    add_outbox_routes(app, service_pool, lambda: woken.append(True), auth)
    officer = {"Authorization": f"Bearer {auth.issue('officer', 'ops-wang').token}"}
    seller = {"Authorization": f"Bearer {auth.issue('enterprise', 'seller', 'DXPENT0000000002').token}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
        assert (await http.get("/outbox/parked")).status_code == 401  # who asks?
        assert (await http.get("/outbox/parked", headers=seller)).status_code == 403
        listed = (await http.get("/outbox/parked", headers=officer)).json()
        assert listed["total"] == 1 and [(p["id"], p["reason"]) for p in listed["items"]] == [(row.id, row.reason)]
        assert (await http.post(f"/outbox/parked/{row.id}/redrive", headers={"X-Operator": "ops-wang"})).status_code == 401
        resp = await http.post(f"/outbox/parked/{row.id}/redrive", headers=officer)
        assert resp.status_code == 200 and woken == [True]
        assert (await http.get("/outbox/parked", headers=officer)).json() == {"total": 0, "items": []}
        assert (await http.post(f"/outbox/parked/{row.id}/redrive", headers=officer)).status_code == 404
    async with service_pool.acquire() as conn:
        assert await conn.fetchval("SELECT message_id FROM outbox") == oversized.message_id


async def test_relay_keeps_per_key_order_across_partitions_and_sends_large_rows(service_pool, kafka_bootstrap, new_relay, topic_prefix):
    topic = f"{topic_prefix}order"
    messages = [OutgoingMessage.of(topic, f"list-{i % 7}", f"{i % 7}:{i}".encode()) for i in range(700)]
    big = OutgoingMessage.of(topic, "list-3", b"B" * (600 * 1024))  # larger than one record batch
    tail = OutgoingMessage.of(topic, "list-3", b"3:after-big")
    async with service_pool.acquire() as conn, conn.transaction():
        await add_to_outbox(conn, messages + [big, tail])
    relay = new_relay(batch_size=1000)
    assert await relay.publish_once() == 702
    await relay.stop()
    got = await read_records(kafka_bootstrap, topic, 702)
    for k in range(7):
        on_key = [r.value for r in got if r.key == f"list-{k}".encode()]
        expected = [m.value for m in messages if m.key == f"list-{k}".encode()]
        if k == 3:
            expected += [big.value, tail.value]
        assert on_key == expected
    assert len({r.partition for r in got}) > 1  # the keys were spread over partitions


async def test_each_transaction_is_one_outbox_row_and_rounds_split_a_large_one(service_pool, kafka_bootstrap, new_relay,
                                                                               topic_prefix):
    """Three writing transactions are three batch rows; a round smaller than a row takes its first
    messages and leaves the rest for the next, in order, none twice."""
    topic = f"{topic_prefix}batches"
    sizes = [3, 40, 5]
    written = []
    for t, size in enumerate(sizes):
        part = [OutgoingMessage.of(topic, "list-1", f"t{t}-{i}".encode()) for i in range(size)]
        written += part
        async with service_pool.acquire() as conn, conn.transaction():
            await add_to_outbox(conn, part)
    async with service_pool.acquire() as conn:
        assert [r[0] for r in await conn.fetch("SELECT cardinality(message_ids) FROM outbox_batches ORDER BY id")] == sizes
    relay = new_relay(batch_size=25)
    assert [await relay.publish_once() for _ in range(3)] == [25, 23, 0]
    got = await read_records(kafka_bootstrap, topic, len(written))
    assert [r.value for r in got] == [m.value for m in written]
    async with service_pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox_batches") == 0


async def test_messages_waiting_in_the_old_outbox_are_published_after_the_upgrade(database_url, kafka_bootstrap, admin,
                                                                                  topic_prefix):
    """A service upgraded with rows in its per-message outbox (migrations up to 005) publishes
    them after migration 006 (the batch rows), in their order."""
    from shared.db.migrator import SHARED_PACKAGE, _scripts, apply_migrations
    from shared.db.pool import create_pool

    schema = f"s_{uuid.uuid4().hex[:8]}"
    topic = f"{topic_prefix}upgrade"
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"; SET search_path TO "{schema}", public')
        await conn.execute("CREATE TABLE schema_migrations (version text PRIMARY KEY, "
                           "applied_at timestamptz NOT NULL DEFAULT now())")
        for version, sql in _scripts(SHARED_PACKAGE, "shared:"):
            if version >= "shared:006":
                break
            await conn.execute(sql)
            await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)
        old = [(uuid.uuid4(), f"old-{i}".encode()) for i in range(4)]
        for mid, value in old:
            await conn.execute("INSERT INTO outbox (message_id, topic, key, value, headers) "
                               "VALUES ($1, $2, 'k', $3, '[[\"cbec-trace-id\", \"t1\"]]')", mid, topic, value)
        assert await apply_migrations(conn, schema, None) == ["shared:006_outbox_batches"]
    finally:
        await conn.close()
    pool = await create_pool(database_url, schema, min_size=1, max_size=3)
    relay = OutboxRelay("relay-upgrade", pool, admin, bootstrap_servers=kafka_bootstrap,
                        transactional_id=f"{topic_prefix}relay-upgrade", progress_topic=f"{topic_prefix}relay-upgrade")
    try:
        assert await relay.publish_once() == 4
        got = await read_records(kafka_bootstrap, topic, 4)
        assert [r.value for r in got] == [v for _, v in old]
        assert [dict(r.headers)[MESSAGE_ID_HEADER].decode() for r in got] == [str(m) for m, _ in old]
        assert dict(got[0].headers)[TRACE_ID_HEADER] == b"t1"
    finally:
        await relay.stop()
        await pool.close()
