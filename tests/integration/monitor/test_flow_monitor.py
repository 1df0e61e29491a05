"""The faust flow monitor counts what the relays publish: receipts by kind (with how long each
waited), dead letters by reason — from the relays' flow counts on the real broker."""
from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.monitor.flows import build_flow_monitor
from services.monitor.settings import MonitorSettings
from shared.db.outbox import OutgoingMessage, add_to_outbox
from shared.flow_counts import FlowTally, receipt_kind
from shared.kafka import topics
from shared.kafka.admin import TopicAdmin
from shared.kafka.relay import OutboxRelay
from tests.support.ports import free_port

pytestmark = pytest.mark.integration


def test_receipt_kind_names_type_and_status_and_survives_garbage():
    body = json.dumps({"message_type": "CEB604", "fields": {"returnStatus": "120"}}).encode()
    assert receipt_kind(body) == "CEB604:120"
    assert receipt_kind(b"\xff not json") == "unreadable"


def receipt(status: str, waited: timedelta) -> bytes:
    issued = (datetime.now(UTC) - waited).isoformat()
    return json.dumps({"message_type": "CEB604", "fields": {"returnStatus": status}, "issued_at": issued}).encode()


async def test_monitor_counts_what_the_relays_publish_by_kind_and_serves_it(kafka_bootstrap, topic_prefix, service_pool):
    settings = MonitorSettings.from_env({"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "CBEC_TOPIC_PREFIX": topic_prefix,
                                         "CBEC_TOPIC_PARTITIONS": "2"})
    admin = TopicAdmin(kafka_bootstrap, partitions=2)
    await admin.start()
    await admin.ensure({settings.topic(t): {} for t in (topics.RECEIPTS, topics.INBOUND_DLQ, topics.FLOWS)})
    port = free_port()
    app = build_flow_monitor(settings, web_port=port)
    await app.start()
    relay = OutboxRelay("monitor-test", service_pool, admin, bootstrap_servers=kafka_bootstrap,
                        transactional_id=f"{topic_prefix}monitor-test", progress_topic=f"{topic_prefix}monitor-progress",
                        tally=FlowTally("monitor-test", settings.topic(topics.RECEIPTS), settings.topic(topics.INBOUND_DLQ)).of,
                        flows_topic=settings.topic(topics.FLOWS))
    try:
        rounds = [
            [OutgoingMessage.of(settings.topic(topics.RECEIPTS), "list-0", receipt("2", timedelta(milliseconds=1))),
             OutgoingMessage.of(settings.topic(topics.RECEIPTS), "list-1", receipt("120", timedelta(seconds=3))),
             OutgoingMessage.of(settings.topic(topics.DECLARATIONS), "list-1", b"{}")],  # not counted
            [OutgoingMessage.of(settings.topic(topics.RECEIPTS), "list-0", receipt("120", timedelta(seconds=3))),
             OutgoingMessage.of(settings.topic(topics.RECEIPTS), "list-1", receipt("2", timedelta(milliseconds=1))),
             OutgoingMessage.of(settings.topic(topics.RECEIPTS), "list-0", receipt("800", timedelta(minutes=2))),
             OutgoingMessage(settings.topic(topics.INBOUND_DLQ), None, b"junk",
                             [("dlq-reason", "unregistered sender: DXPX")])],
        ]
        for messages in rounds:  # two relay rounds: two flow-count records
            async with service_pool.acquire() as conn, conn.transaction():
                await add_to_outbox(conn, messages)
            assert await relay.publish_once() == len(messages)
        # a receipt produced around the relays is not counted: the relays' counts are what the monitor adds up
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        await producer.send_and_wait(settings.topic(topics.RECEIPTS), receipt("2", timedelta(0)), key=b"list-9")
        await producer.stop()

        totals = app.flow_tables[0]
        want = {"CEB604:2": 2, "CEB604:120": 2, "CEB604:800": 1}

        async def counted():
            while dict(totals.items()) != want:
                await asyncio.sleep(0.2)
        await asyncio.wait_for(counted(), 60)

        async with httpx.AsyncClient() as client:
            async def served():
                while True:
                    body = (await client.get(f"http://127.0.0.1:{port}/flows/")).json()
                    if body["dead_letters_this_minute"]:
                        return body
                    await asyncio.sleep(0.2)
            body = await asyncio.wait_for(served(), 30)
        assert body["receipts_total"] == want
        assert body["receipts_this_minute"] == want
        assert body["dead_letters_this_minute"] == {"unregistered sender": 1}
        latency = body["receipt_latency_ms_this_minute"]
        assert latency["CEB604:2"]["count"] == 2 and latency["CEB604:2"]["p99"] <= 1000
        assert latency["CEB604:120"]["p50"] == 5000  # waited 3 s: the 2.5–5 s bucket
        assert latency["CEB604:800"]["p50"] > 60000  # waited 2 min: above the last bound
    finally:
        await relay.stop()
        await app.stop()
        await admin.close()
