"""A hostile enterprise against the running, secured stack (CBEC_PROFILE=secure): every attack of
issue 9 is refused with a clear answer, and good traffic flows on.

Who may say and see what (registry, receipts, webhooks, replays, officer actions, risk rules),
where webhooks may go, a producer's forged inbox header, and the messages that used to stop a
service (a billion-part bill, a NUL in a JSON key, a dead letter larger than the broker allows)."""
from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid

import httpx
import jwt
import pytest
from aiokafka import AIOKafkaProducer

from services.cli.journey import DEMO_ENTERPRISES, Journey
from services.cli.kafka_io import ReceiptReader
from shared.kafka import topics
from shared.messages import decode_message, encode_message
from tests.support.records import read_records
from tests.support.stack import running_stack

pytestmark = pytest.mark.e2e

AGENT, EBC = "DXPENT0000000001", "DXPENT0000000002"
SELLER_CODE = "3301960002"
BROKER_LIMIT = 5 * 1024 * 1024


@pytest.fixture(scope="module")
async def stack(kafka_bootstrap, admin_database_url, tmp_path_factory):
    env = {"CBEC_PROFILE": "secure", "MANAGEMENT_RISK_KEY": secrets.token_urlsafe(24), "CBEC_WEBHOOK_ALLOW": ""}
    async with running_stack(kafka_bootstrap, admin_database_url, tmp_path_factory.mktemp("attacks"),
                             enterprises=DEMO_ENTERPRISES, extra_env=env) as s:
        s.tokens = {
            "officer": await s.credential("officer", "officer-li"),
            "agent": await s.credential("enterprise", "erp-agent", AGENT),
            "seller": await s.credential("enterprise", "erp-seller", EBC),
        }
        yield s


def client(stack, svc: str, who: str | None = None) -> httpx.AsyncClient:
    headers = stack.admin if who == "admin" else stack.tokens[who] if who else {}
    return httpx.AsyncClient(base_url=stack.url(svc), headers=headers, timeout=10)


async def produce(stack, key: bytes | None, value: bytes, headers: list | None = None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka, acks="all", max_request_size=BROKER_LIMIT)
    await producer.start()
    try:
        await producer.send_and_wait(f"{stack.prefix}{topics.INBOUND}", value, key=key, headers=headers or [])
    finally:
        await producer.stop()


async def test_the_registry_is_the_admins_and_cannot_be_taken_over(stack):
    seller = next(e for e in DEMO_ENTERPRISES if e["code"] == SELLER_CODE)
    async with client(stack, "gateway") as anonymous:
        resp = await anonymous.post("/enterprises", json={**seller, "dxpId": "DXPEVIL000000009"})
        assert resp.status_code == 401 and resp.headers["www-authenticate"] == "Bearer"
    async with client(stack, "gateway", "agent") as agent:
        # an enterprise neither registers (roles are the admin's to grant) nor reads the registry
        assert (await agent.post("/enterprises", json={**seller, "dxpId": AGENT, "roles": ["operator"]})).status_code == 403
        assert (await agent.get("/enterprises")).status_code == 403
        assert (await agent.get(f"/enterprises/{SELLER_CODE}")).status_code == 404
        assert (await agent.get("/enterprises/3301960001")).json()["dxpId"] == AGENT
    async with client(stack, "gateway", "admin") as admin:
        taken = await admin.post("/enterprises", json={**seller, "dxpId": AGENT})
        assert taken.status_code == 409 and "already belongs to enterprise 3301960001" in taken.text
        moved = await admin.post("/enterprises", json={**seller, "dxpId": "DXPEVIL000000009"})
        assert moved.status_code == 409 and "transfer=true" in moved.text
        assert (await admin.get(f"/enterprises/{SELLER_CODE}")).json()["dxpId"] == EBC
        new = {"code": "3301960077", "name": "Moving Co.", "dxpId": "DXPMOVE00000001", "roles": ["ebc"]}
        assert (await admin.post("/enterprises", json=new)).status_code == 201
        again = await admin.post("/enterprises", params={"transfer": "true"}, json={**new, "dxpId": "DXPMOVE00000002"})
        assert again.status_code == 200 and again.json()["dxpId"] == "DXPMOVE00000002"


async def test_forged_and_foreign_tokens_are_refused(stack):
    forged = jwt.encode({"iss": "cbec-clearance", "sub": "mallory", "role": "admin", "jti": "x",
                         "exp": int(time.time()) + 3600}, "a-key-that-is-not-the-platforms-key-0123", algorithm="HS256")
    unsigned = jwt.encode({"iss": "cbec-clearance", "sub": "mallory", "role": "admin", "jti": "x",
                           "exp": int(time.time()) + 3600}, None, algorithm="none")
    async with httpx.AsyncClient(base_url=stack.url("gateway")) as http:
        for token in (forged, unsigned, "not-a-token"):
            resp = await http.get("/enterprises", headers={"Authorization": f"Bearer {token}"})
            assert resp.status_code == 401, token
    async with client(stack, "gateway", "admin") as admin:
        listed = (await admin.get("/credentials")).json()
        assert {c["name"] for c in listed["items"]} >= {"officer-li", "erp-agent", "erp-seller"}
        assert listed["total"] >= 3 and all("token" not in c for c in listed["items"])


async def test_one_revoked_credential_is_refused_by_every_service_while_the_others_work(stack):
    stolen = await stack.credential("officer", "officer-stolen")
    token_id = jwt.decode(stolen["Authorization"].split()[1], options={"verify_signature": False})["jti"]
    services = ("gateway", "management", "notification")
    for svc in services:
        async with httpx.AsyncClient(base_url=stack.url(svc), headers=stolen, timeout=10) as http:
            assert (await http.get("/outbox/parked")).status_code == 200, svc
    async with client(stack, "gateway", "officer") as officer:
        assert (await officer.delete(f"/credentials/{token_id}")).status_code == 403  # an admin's act
    async with client(stack, "gateway", "admin") as admin:
        assert (await admin.delete("/credentials/no-such-token")).status_code == 404
        revoked = await admin.delete(f"/credentials/{token_id}", params={"reason": "laptop stolen"})
        assert revoked.status_code == 200 and revoked.json()["revokedBy"] == "admin"
        listed = (await admin.get("/credentials", params={"revoked": "true"})).json()
        assert [(c["tokenId"], c["revokeReason"]) for c in listed["items"]] == [(token_id, "laptop stolen")]
    for svc in services:  # the gateway at once, the others as soon as cbec.credentials reaches them
        async with httpx.AsyncClient(base_url=stack.url(svc), headers=stolen, timeout=10) as http:
            deadline = time.monotonic() + 20
            while (resp := await http.get("/outbox/parked")).status_code != 401 and time.monotonic() < deadline:
                assert svc != "gateway", "the gateway refuses a credential it revoked at once"
                await asyncio.sleep(0.2)
            assert resp.status_code == 401 and "revoked" in resp.text, svc
        async with client(stack, svc, "officer") as officer:
            assert (await officer.get("/outbox/parked")).status_code == 200, svc  # the others still work


async def test_an_enterprise_sees_and_changes_only_its_own_receipts_and_webhook(stack):
    async with client(stack, "notification") as anonymous:
        assert (await anonymous.get(f"/enterprises/{EBC}/receipts")).status_code == 401
    async with client(stack, "notification", "agent") as agent:
        assert (await agent.get(f"/enterprises/{EBC}/receipts")).status_code == 403
        assert (await agent.put(f"/enterprises/{EBC}/webhook", json={"url": "https://erp.example/x"})).status_code == 403
        assert (await agent.get(f"/enterprises/{EBC}/webhook/deliveries")).status_code == 403
        assert (await agent.post(f"/enterprises/{EBC}/webhook/deliveries/redeliver")).status_code == 403
        replay = await agent.post(f"/enterprises/{AGENT}/replay", json={"since": "2026-01-01T00:00:00Z"})
        assert replay.status_code == 403  # replay is an officer's act, even of one's own receipts
        assert (await agent.get(f"/enterprises/{AGENT}/receipts")).status_code == 200
    async with client(stack, "notification", "officer") as officer:
        resp = await officer.post(f"/enterprises/{EBC}/replay", json={"since": "2026-01-01T00:00:00Z"},
                                  headers={"X-Operator": "mallory"})
        assert resp.status_code == 202 and resp.json()["operator"] == "officer-li"


async def test_officer_actions_need_an_officer_and_the_sampling_seed_is_never_served(stack):
    async with client(stack, "management") as anonymous:
        resp = await anonymous.post("/applications/1/approve", headers={"X-Operator": "officer-li"})
        assert resp.status_code == 401  # a self-asserted name is no credential
    async with client(stack, "management", "agent") as agent:
        assert (await agent.post("/applications/1/approve")).status_code == 403
        assert (await agent.get("/risk-rules")).status_code == 403
    async with client(stack, "management", "officer") as officer:
        assert (await officer.post("/applications/1/approve")).status_code == 404  # through; no such application
        rules = await officer.get("/risk-rules")
        assert rules.status_code == 200 and "rate" in rules.json()["sampling"]
        assert "seed" not in rules.json()["sampling"] and "cbec-risk-2026" not in rules.text


@pytest.mark.parametrize("url", ["http://127.0.0.1:5432/", "http://localhost:8080/enterprises",
                                 "http://169.254.169.254/latest/meta-data/", "http://[::1]:5432/",
                                 "http://10.0.0.1/", "http://0.0.0.0:9092/"])
async def test_a_webhook_cannot_point_inside(stack, url):
    async with client(stack, "notification", "seller") as seller:
        resp = await seller.put(f"/enterprises/{EBC}/webhook", json={"url": url})
    assert resp.status_code == 422 and "refused" in resp.text, resp.text


async def test_a_forged_message_id_header_cannot_swallow_the_next_message(stack):
    forged = [("cbec-message-id", b"00000000-0000-4000-8000-000000000001")]
    first, second = Journey(), Journey()
    async with ReceiptReader(stack.kafka, [EBC], stack.prefix, from_beginning=False) as reader:
        await asyncio.sleep(1.0)
        await produce(stack, EBC.encode(), first.order_message(), forged)
        await produce(stack, EBC.encode(), second.order_message(), forged)
        answered: set[str] = set()
        while answered != {first.order_no, second.order_no}:
            rr = await reader.next(30)
            answered.add(rr.key)


async def test_what_used_to_stop_a_service_is_answered_and_good_mail_flows(stack):
    j = Journey()
    bill = j.bill_message("29922026E000000001", msg_seq=(1, 999_999_999))
    nul = json.loads(encode_message(decode_message(j.list_message("json"))[0], "json"))
    nul["CEB603Message"]["guid"] = str(uuid.uuid4()).upper()
    nul["CEB603Message"]["evil\u0000key"] = "1"
    started = time.monotonic()
    async with ReceiptReader(stack.kafka, [AGENT, EBC], stack.prefix, from_beginning=False) as reader:
        await asyncio.sleep(1.0)
        await produce(stack, AGENT.encode(), bill)
        await produce(stack, AGENT.encode(), json.dumps(nul).encode())
        await produce(stack, None, b"<x>" + b"a" * (BROKER_LIMIT - 4096) + b"</x>")
        await produce(stack, EBC.encode(), j.order_message())
        seen: dict[str, str] = {}
        while len(seen) < 3:
            rr = await reader.next(60)
            info = rr.receipt.fields.get("returnInfo", "")
            if rr.receipt.message_type == "CEB608":
                seen["bill"] = info
            elif rr.receipt.message_type == "CEB900":
                seen["nul"] = info
            elif rr.key == j.order_no and rr.status == "120":
                seen["order"] = info
    assert seen["bill"].startswith("[Code:2604;") and "at most 100 parts" in seen["bill"]
    assert seen["nul"].startswith("[Code:9010;") and "\x00" not in seen["nul"]
    assert time.monotonic() - started < 60
    (dead,) = await read_records(stack.kafka, f"{stack.prefix}{topics.INBOUND_DLQ}", 1, 30)
    headers = dict(dead.headers)
    assert b"bytes, sha256" in headers["dlq-truncated"] and len(dead.value) < BROKER_LIMIT - 60_000
    async with client(stack, "notification", "agent") as agent:  # the CEB900 was stored, not lost
        history = (await agent.get(f"/enterprises/{AGENT}/receipts")).json()["items"]
    assert any(r.get("messageType") == "CEB900" for r in history), history[:3]
