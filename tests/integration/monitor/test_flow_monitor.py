"""The faust flow monitor counts receipts and dead letters from the real topics."""
from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.monitor.flows import build_flow_monitor, receipt_kind
from services.monitor.settings import MonitorSettings
from shared.kafka import topics
from shared.kafka.admin import TopicAdmin
from tests.support.stack import free_port

pytestmark = pytest.mark.integration


def test_receipt_kind_names_type_and_status_and_survives_garbage():
    body = json.dumps({"message_type": "CEB604", "fields": {"returnStatus": "120"}}).encode()
    assert receipt_kind(body) == "CEB604:120"
    assert receipt_kind(b"\xff not json") == "unreadable"


async def test_monitor_counts_receipts_by_kind_and_serves_them(kafka_bootstrap, topic_prefix):
    settings = MonitorSettings.from_env({"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "CBEC_TOPIC_PREFIX": topic_prefix,
                                         "CBEC_TOPIC_PARTITIONS": "2"})
    admin = TopicAdmin(kafka_bootstrap, partitions=2)
    await admin.start()
    await admin.ensure({settings.topic(topics.RECEIPTS): {}, settings.topic(topics.INBOUND_DLQ): {}})
    await admin.close()
    port = free_port()
    app = build_flow_monitor(settings, web_port=port)
    await app.start()
    try:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        for i, status in enumerate(["2", "120", "2", "120", "800"]):
            body = json.dumps({"message_type": "CEB604", "fields": {"returnStatus": status}}).encode()
            await producer.send(settings.topic(topics.RECEIPTS), body, key=f"list-{i % 2}".encode())
        await producer.send(settings.topic(topics.INBOUND_DLQ), b"junk", key=None,
                            headers=[("dlq-reason", b"unregistered sender: DXPX")])
        await producer.flush()
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
    finally:
        await app.stop()
