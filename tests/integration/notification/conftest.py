"""The notification service running in the test's process on a schema and topics of its own,
fed ``ReceiptIssued`` and ``EnterpriseRegistered`` events the way gateway and management feed it."""
from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.notification.bootstrap import bootstrap
from services.notification.domain.retry_schedule import RetrySchedule
from services.notification.settings import NotificationSettings, WebhookSettings
from shared.contracts import EnterpriseRegistered, ReceiptIssued, Recipient
from shared.kafka import topics
from tests.integration.notification.topic_reader import TopicReader
from tests.support.ports import free_port

FAST_WEBHOOKS = WebhookSettings(timeout_s=1.0, retry=RetrySchedule(base_s=0.1, cap_s=0.5, max_attempts=30),
                                concurrency=16, per_enterprise=4, poll_s=0.05, allow=("127.0.0.1",))


def receipt(business_key: str, status: str, *, dxp: str, fmt: str = "xml", concerns: list[str] | None = None,
            receipt_id: str | None = None) -> ReceiptIssued:
    return ReceiptIssued(
        receipt_id=receipt_id or str(uuid.uuid4()), message_type="CEB604", business_key=business_key,
        fields={"guid": str(uuid.uuid4()).upper(), "agentCode": "3301960001", "copNo": business_key,
                "preNo": "B20261128000000001", "invtNo": "", "ebcCode": "3301960002", "ebpCode": "3301960009",
                "orderNo": f"ORD-{business_key}", "statisticsFlag": "A", "returnStatus": status,
                "returnTime": "20261128120000000", "returnInfo": f"[Code:0000;Desc:{status}]"},
        recipients=[Recipient(dxp_id=dxp, format=fmt)], concerns=concerns or [],
        issued_at=datetime.now(UTC), issued_by="management", trace_id=uuid.uuid4().hex)


@dataclass
class Notification:
    """One in-process notification service and what a test needs around it."""

    kafka: str
    database_url: str
    prefix: str
    webhooks: WebhookSettings = FAST_WEBHOOKS
    own: dict[str, str] = field(default_factory=dict)  # signing_key_path, signing_cert_path
    settings: NotificationSettings | None = None
    _task: asyncio.Task | None = None

    async def start(self) -> None:
        if self.settings is None:
            self.settings = NotificationSettings(
                kafka_bootstrap_servers=self.kafka, database_url=self.database_url,
                db_schema=f"n_{uuid.uuid4().hex[:8]}", http_port=free_port(), topic_prefix=self.prefix,
                topic_partitions=3, profile="open", **self.own).with_webhooks(self.webhooks)
        self.service = await bootstrap(self.settings)
        self._task = asyncio.create_task(self.service.run())
        async with httpx.AsyncClient(base_url=self.url) as http:
            for _ in range(300):
                try:
                    state = (await http.get("/health")).json()
                    if all(c["assigned"] for c in state["consumers"].values()):
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("notification did not become healthy")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.http_port}"

    async def publish(self, events: list, topic: str = topics.RECEIPTS) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.kafka, acks="all", enable_idempotence=True)
        await producer.start()
        try:
            for e in events:
                key = e.business_key if isinstance(e, ReceiptIssued) else e.code
                await producer.send(f"{self.prefix}{topic}", e.model_dump_json().encode(), key=key.encode(),
                                    headers=[("cbec-message-id", str(uuid.uuid4()).encode())])
            await producer.flush()
        finally:
            await producer.stop()

    async def register(self, code: str, dxp_id: str) -> None:
        await self.publish([EnterpriseRegistered(code=code, name=f"enterprise {code}", dxp_id=dxp_id,
                                                 roles=["agent"])], topics.ENTERPRISES)
        for _ in range(300):
            async with self.service.host.pool.acquire() as conn:
                if await conn.fetchval("SELECT true FROM enterprises WHERE dxp_id = $1", dxp_id):
                    return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"{dxp_id} not projected")


@pytest.fixture
async def notification(kafka_bootstrap, database_url, topic_prefix):
    services: list[Notification] = []

    async def start(webhooks: WebhookSettings = FAST_WEBHOOKS, **own) -> Notification:
        n = Notification(kafka_bootstrap, database_url, topic_prefix, webhooks, own)
        await n.start()
        services.append(n)
        return n

    yield start
    for n in services:
        await n.stop()


__all__ = ["FAST_WEBHOOKS", "Notification", "TopicReader", "receipt", "replace"]
