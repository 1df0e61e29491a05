"""The secure profile as a hostile enterprise tries it: a broker of its own with SASL/SCRAM, the
StandardAuthorizer and no topic auto-creation, started once for the module by deploy/kafka/kafka.sh
(CBEC_PROFILE=secure, free ports, its own run dir), the services on it with a principal each, and
enterprises registered through the gateway, which gives each its own principal."""
from __future__ import annotations

import os
import secrets
import subprocess

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)
from aiokafka.protocol.admin import DescribeClientQuotasRequest

from services.cli.journey import DEMO_ENTERPRISES, Journey
from services.cli.kafka_io import ReceiptReader, send
from shared.kafka import topics
from shared.kafka.access import ENTERPRISE_QUOTAS, SERVICES, service_principal
from tests.support.ports import free_port
from tests.support.records import drain_until, read_records
from tests.support.stack import ROOT, running_stack

pytestmark = pytest.mark.e2e

AGENT, EBC = DEMO_ENTERPRISES[0], DEMO_ENTERPRISES[1]
PREFIX = "sec."


def sasl(user: str, password: str) -> dict:
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": user, "sasl_plain_password": password}


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory):
    """(bootstrap, passwords): one secure broker for the module, never the shared one."""
    run_dir = tmp_path_factory.mktemp("secure-kafka")
    passwords = {f"{svc.upper()}_KAFKA_SASL_PASSWORD": secrets.token_hex(12) for svc in SERVICES}
    passwords["CBEC_KAFKA_ADMIN_PASSWORD"] = secrets.token_hex(12)
    passwords["CBEC_KAFKA_CONTROLLER_PASSWORD"] = secrets.token_hex(12)
    port = free_port()
    env = {**os.environ, "CBEC_RUN_DIR": str(run_dir), "CBEC_PROFILE": "secure", "KAFKA_PORT": str(port),
           "KAFKA_CONTROLLER_PORT": str(free_port()), "CBEC_TOPIC_PREFIX": PREFIX, "KAFKA_HEAP_OPTS": "-Xmx384m",
           **passwords}
    script = str(ROOT / "deploy/kafka/kafka.sh")
    started = subprocess.run([script, "start"], env=env, capture_output=True, text=True, timeout=120)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield f"127.0.0.1:{port}", passwords
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
async def secure_stack(secure_broker, admin_database_url, tmp_path_factory):
    """The services on the secure broker, the demo's enterprises registered:
    (stack, {dxp id: its Kafka password})."""
    bootstrap, passwords = secure_broker
    env = {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512"}
    for svc in SERVICES:
        env[f"{svc.upper()}_KAFKA_SASL_USERNAME"] = service_principal(svc)
        env[f"{svc.upper()}_KAFKA_SASL_PASSWORD"] = passwords[f"{svc.upper()}_KAFKA_SASL_PASSWORD"]
    async with running_stack(bootstrap, admin_database_url, tmp_path_factory.mktemp("secure-stack"),
                             enterprises=[], extra_env=env, prefix=PREFIX) as stack:
        credentials = {}
        async with httpx.AsyncClient(base_url=stack.url("gateway")) as http:
            for e in DEMO_ENTERPRISES:
                resp = await http.post("/enterprises", json=e)
                assert resp.status_code == 201, resp.text
                kafka = resp.json()["kafka"]
                assert kafka["username"] == e["dxpId"]
                assert kafka["inbound_topic"] == PREFIX + topics.inbound_topic(e["dxpId"])
                credentials[e["dxpId"]] = kafka["password"]
        yield stack, credentials


def admin_auth(secure_broker) -> dict:
    return sasl("cbec-admin", secure_broker[1]["CBEC_KAFKA_ADMIN_PASSWORD"])


async def produce(bootstrap: str, auth: dict, topic: str, value: bytes, key: bytes | None = None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", request_timeout_ms=10000, **auth)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def test_an_enterprise_writes_only_its_own_inbound_and_its_list_is_answered(secure_stack):
    stack, creds = secure_stack
    agent = AGENT["dxpId"]
    auth = sasl(agent, creds[agent])
    j = Journey()
    async with ReceiptReader(stack.kafka, [agent], PREFIX, auth=auth, group_id=f"{PREFIX}{agent}.erp") as reader:
        await send(stack.kafka, agent, j.list_message("xml"), PREFIX, topic=topics.inbound_topic(agent), auth=auth)
        seen: list = []
        await drain_until(reader, seen, lambda: {"2", "120"} <= {r.status for r in seen if r.key == j.cop_no},
                          timeout=60, settle=0.5)
    assert [r.status for r in seen if r.key == j.cop_no] == ["2", "120"], [r.line() for r in seen]


@pytest.mark.parametrize("topic", [topics.RECEIPTS, topics.DECLARATIONS, topics.ENTERPRISES, topics.INBOUND,
                                   topics.inbound_topic(EBC["dxpId"]), topics.receipt_topic(AGENT["dxpId"])])
async def test_an_enterprise_cannot_write_platform_topics_or_another_enterprises(secure_stack, topic):
    stack, creds = secure_stack
    agent = AGENT["dxpId"]
    forged = b'{"message_type": "CEB604", "fields": {"returnStatus": "800"}}'
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(stack.kafka, sasl(agent, creds[agent]), PREFIX + topic, forged, key=agent.encode())


async def test_an_enterprise_reads_only_its_own_receipts_in_its_own_groups(secure_stack):
    stack, creds = secure_stack
    agent, ebc = AGENT["dxpId"], EBC["dxpId"]
    auth = sasl(ebc, creds[ebc])
    with pytest.raises(TopicAuthorizationFailedError):
        await read_records(stack.kafka, PREFIX + topics.receipt_topic(agent), 1, timeout=10, auth=auth)
    with pytest.raises(TopicAuthorizationFailedError):
        await read_records(stack.kafka, PREFIX + topics.inbound_topic(agent), 1, timeout=10, auth=auth)
    for group in (f"{PREFIX}cbec-gateway-intake", f"{PREFIX}{agent}.erp", f"{PREFIX}{ebc}-erp"):
        consumer = AIOKafkaConsumer(PREFIX + topics.receipt_topic(ebc), bootstrap_servers=stack.kafka,
                                    group_id=group, **auth)
        try:
            with pytest.raises(GroupAuthorizationFailedError):
                await consumer.start()
                await consumer.getmany(timeout_ms=5000)
        finally:
            await consumer.stop()


async def test_an_enterprise_cannot_create_topics_or_log_in_as_another(secure_stack):
    stack, creds = secure_stack
    agent, ebc = AGENT["dxpId"], EBC["dxpId"]
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka, **sasl(agent, creds[agent]))
    await admin.start()
    try:
        resp = await admin.create_topics([NewTopic(f"{PREFIX}ceb.receipts.{agent}X", 1, 1)])
    finally:
        await admin.close()
    assert resp.topic_errors[0][1] == TopicAuthorizationFailedError.errno
    # no auto-creation either: producing to a topic that does not exist creates nothing
    with pytest.raises(TopicAuthorizationFailedError):
        await produce(stack.kafka, sasl(agent, creds[agent]), f"{PREFIX}{topics.inbound_topic(agent)}X", b"x")
    with pytest.raises(KafkaConnectionError):
        await produce(stack.kafka, sasl(ebc, creds[agent]), PREFIX + topics.inbound_topic(ebc), b"x")


async def test_an_enterprise_is_held_to_its_quotas(secure_stack, secure_broker):
    stack, _ = secure_stack
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka, **admin_auth(secure_broker))
    await admin.start()
    try:
        resp = await admin._send_request(DescribeClientQuotasRequest([("user", 0, AGENT["dxpId"])], True))
    finally:
        await admin.close()
    ((_entity, values),) = resp.entries
    assert dict(values) == ENTERPRISE_QUOTAS


async def test_a_key_naming_another_enterprise_is_not_believed(secure_stack, secure_broker):
    """The sender is the enterprise whose inbound topic the message is on; a key naming another
    enterprise is dead-lettered, never answered as (or to) that enterprise."""
    stack, creds = secure_stack
    agent, ebc = AGENT["dxpId"], EBC["dxpId"]
    body = Journey(agent_dxp=ebc).list_message("xml")
    await produce(stack.kafka, sasl(agent, creds[agent]), PREFIX + topics.inbound_topic(agent), body, key=ebc.encode())
    dead = await read_records(stack.kafka, PREFIX + topics.INBOUND_DLQ, 1, timeout=30, auth=admin_auth(secure_broker))
    reason = dict(dead[0].headers)["dlq-reason"].decode()
    assert "sender mismatch" in reason and ebc in reason
