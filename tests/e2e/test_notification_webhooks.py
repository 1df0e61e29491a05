"""Receipts over webhooks and Kafka through the running stack, as an integrating ERP sees them:
signed POSTs, an outage of the ERP's endpoint, a notification restart mid-flow, parking and
redelivery from the command line, history per channel, and replay."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest

from services.cli.journey import Journey
from tests.e2e.test_journey import AGENT
from tests.e2e.test_restart import send_many
from tests.integration.notification.receiver import WebhookReceiver
from tests.support.receipt_checks import ReceiptReader
from tests.support.records import drain_until

pytestmark = pytest.mark.e2e

LISTS = 12


@pytest.fixture(autouse=True)
def fast_webhooks(monkeypatch, request):
    """Small back-off for the stack's notification (the stack copies the environment)."""
    attempts = "3" if "parked" in request.node.name else "60"
    for name, value in {"CBEC_WEBHOOK_BACKOFF_BASE_S": "0.1", "CBEC_WEBHOOK_BACKOFF_MAX_S": "0.5",
                        "CBEC_WEBHOOK_MAX_ATTEMPTS": attempts, "CBEC_WEBHOOK_TIMEOUT_S": "2",
                        "CBEC_WEBHOOK_POLL_S": "0.05"}.items():
        monkeypatch.setenv(name, value)


def cbec(stack, *args: str) -> dict | list:
    """Run the ``cbec`` command line against the stack, as an operator would."""
    env = {**stack.env, "CBEC_NOTIFICATION_URL": stack.url("notification")}
    out = subprocess.run([sys.executable, "-m", "services.cli.main", *args, "--json"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(out.stdout)


async def subscribe(stack, receiver: WebhookReceiver) -> None:
    for _ in range(100):  # the enterprise registry reaches notification over cbec.enterprises
        env = {**stack.env, "CBEC_NOTIFICATION_URL": stack.url("notification")}
        out = subprocess.run([sys.executable, "-m", "services.cli.main", "webhook", "set", AGENT, "--url", receiver.url,
                              "--json"],
                             env=env, capture_output=True, text=True, timeout=60)
        if out.returncode == 0:
            receiver.secret = json.loads(out.stdout)["secret"]
            return
        await asyncio.sleep(0.2)
    raise AssertionError(out.stdout + out.stderr)


def first_acceptance_order(hits) -> dict[str, list[str]]:
    """Per business key, the statuses in the order the ERP first accepted each receipt
    (an ERP drops a receipt id it has already processed)."""
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for h in hits:
        if h.receipt_id not in seen:
            seen.add(h.receipt_id)
            out.setdefault(h.business_key, []).append(h.return_status)
    return out


async def test_webhook_and_topic_get_every_receipt_once_in_order_through_outage_and_restart(stack):
    journeys = [Journey() for _ in range(LISTS)]
    expected = {(j.cop_no, s) for j in journeys for s in ("2", "120")}
    async with WebhookReceiver() as hook, ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await subscribe(stack, hook)
        hook.failing = True  # the ERP's endpoint is down when the lists go out
        await send_many(stack, [j.list_message("xml") for j in journeys])
        seen = [await reader.wait_for(lambda r: True, 60)]
        stack.kill("notification")
        await asyncio.sleep(0.5)
        stack.start("notification")
        await stack.wait_healthy("notification")
        await drain_until(reader, seen, lambda: expected <= {(r.key, r.status) for r in seen}, timeout=90, settle=3)
        got = Counter((r.key, r.status) for r in seen)
        ids = Counter(r.headers["cbec-receipt-id"] for r in seen)
        assert set(got) >= expected and max(ids.values()) == 1, got
        topic_order = {j.cop_no: [r.status for r in seen if r.key == j.cop_no] for j in journeys}
        assert all(statuses[:2] == ["2", "120"] for statuses in topic_order.values()), topic_order
        assert hook.hits and not hook.accepted

        hook.failing = False  # the endpoint recovers: everything arrives
        want_ids = set(ids)
        await hook.wait_for(lambda h: {x.receipt_id for x in h.accepted} == want_ids, 60)
    assert all(h.signed_ok for h in hook.hits)
    assert first_acceptance_order(hook.accepted) == topic_order
    # the body POSTed is the receipt the topic carried
    topic_bodies = {r.headers["cbec-receipt-id"]: r for r in seen}
    h = hook.accepted[0]
    assert topic_bodies[h.receipt_id].receipt.fields["returnStatus"] == h.return_status
    assert h.body.startswith(b"<?xml")

    async with httpx.AsyncClient(base_url=stack.url("notification")) as http:
        rows = (await http.get(f"/enterprises/{AGENT}/receipts", params={"businessKey": journeys[0].cop_no})).json()["items"]
    assert [r["returnStatus"] for r in rows] == topic_order[journeys[0].cop_no]
    assert {r["channels"]["kafka"]["status"] for r in rows} == {"published"}
    assert {r["channels"]["webhook"]["status"] for r in rows} == {"delivered"}
    assert rows[0]["channels"]["webhook"]["attempts"] > 1


async def test_parked_deliveries_are_visible_and_redelivered_from_the_command_line(stack):
    j = Journey()
    async with WebhookReceiver() as hook:
        await subscribe(stack, hook)
        hook.failing = True
        await send_many(stack, [j.list_message("json")])
        for _ in range(300):
            parked = cbec(stack, "webhook", "deliveries", AGENT, "--status", "parked")["items"]  # the API's page
            if parked:
                break
            await asyncio.sleep(0.2)
        assert [(p["businessKey"], p["returnStatus"], p["attempts"]) for p in parked] == [(j.cop_no, "2", 3)]
        assert "503" in parked[0]["lastError"]
        shown = cbec(stack, "webhook", "show", AGENT)
        assert shown["deliveries"] == {"parked": 1, "pending": 1}  # the 120 waits behind the parked 2

        hook.failing = False
        done = cbec(stack, "webhook", "redeliver", AGENT)
        assert done["count"] == 1
        await hook.wait_for(lambda h: len(h.accepted) == 2, 30)
    assert [(h.business_key, h.return_status) for h in hook.accepted] == [(j.cop_no, "2"), (j.cop_no, "120")]
    assert hook.accepted[0].body.lstrip().startswith(b"{")  # the list came as JSON: so do its receipts
    assert cbec(stack, "webhook", "show", AGENT)["deliveries"] == {"delivered": 2}


async def test_replay_sends_the_receipts_again_marked_as_replayed(stack):
    j = Journey()
    since = datetime.now(UTC).isoformat()
    async with ReceiptReader(stack.kafka, [AGENT], stack.prefix) as reader:
        await send_many(stack, [j.list_message("xml")])
        seen: list = []
        await reader.wait_for(lambda r: r.key == j.cop_no and r.status == "120", 60, seen)
        async with httpx.AsyncClient(base_url=stack.url("notification")) as http:
            resp = await http.post(f"/enterprises/{AGENT}/replay", json={"since": since},
                                   headers={"X-Operator": os.environ.get("USER", "e2e")})
        assert resp.status_code == 202, resp.text
        assert resp.json()["receipts"] == 2
        await reader.wait_for(lambda r: r.headers.get("cbec-replay") == "true" and r.status == "120", 60, seen)
    replayed = [r for r in seen if r.headers.get("cbec-replay") == "true"]
    original = [r for r in seen if "cbec-replay" not in r.headers]
    assert [r.status for r in original] == ["2", "120"]
    assert [r.headers["cbec-receipt-id"] for r in replayed] == [r.headers["cbec-receipt-id"] for r in original]
    assert [r.receipt.fields for r in replayed] == [r.receipt.fields for r in original]


async def test_a_journey_over_webhooks_reaches_every_enterprise_it_concerns_in_order(stack):
    """The same receipts as on each enterprise's topic, in the same order per business key."""
    from tests.e2e.test_journey import EBC, LOGISTICS, OPERATOR, run_journey

    j = Journey()
    async with WebhookReceiver() as agent_hook, WebhookReceiver() as ebc_hook:
        await subscribe(stack, agent_hook)
        env = {**stack.env, "CBEC_NOTIFICATION_URL": stack.url("notification")}
        out = subprocess.run([sys.executable, "-m", "services.cli.main", "webhook", "set", EBC, "--url", ebc_hook.url,
                              "--json"],
                             env=env, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        ebc_hook.secret = json.loads(out.stdout)["secret"]
        seen: list = []
        async with ReceiptReader(stack.kafka, [AGENT, EBC, LOGISTICS, OPERATOR], stack.prefix) as reader:
            await run_journey(stack, j, "xml", reader, seen)
            try:
                while True:
                    seen.append(await reader.next(3))
            except TimeoutError:
                pass

        def on_topic(dxp: str) -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for r in seen:
                if r.topic.endswith(dxp):
                    out.setdefault(r.key, []).append(r.headers["cbec-receipt-id"])
            return out

        def by_webhook(hook: WebhookReceiver) -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for h in hook.accepted:
                out.setdefault(h.business_key, []).append(h.receipt_id)
            return out

        want_agent, want_ebc = on_topic(AGENT), on_topic(EBC)
        await agent_hook.wait_for(lambda h: by_webhook(h) == want_agent, 30)
        await ebc_hook.wait_for(lambda h: by_webhook(h) == want_ebc, 30)
    # the list's release and closure concern the e-commerce enterprise too
    ebc_list = [r.status for r in seen if r.topic.endswith(EBC) and r.key == j.cop_no]
    assert ebc_list[-2:] == ["800", "899"]
    assert [h.return_status for h in agent_hook.accepted if h.business_key == j.cop_no][-2:] == ["800", "899"]
    assert all(h.signed_ok for h in agent_hook.hits + ebc_hook.hits)
