"""Webhooks: signed POSTs, retries through an outage, parking, redelivery, isolation."""
from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from services.notification.domain.retry_schedule import RetrySchedule
from shared.tracing import parse_traceparent
from tests.integration.notification.conftest import FAST_WEBHOOKS, TopicReader, receipt, replace
from tests.integration.notification.receiver import WebhookReceiver

pytestmark = pytest.mark.integration

AGENT, OTHER = "DXPENT0000000201", "DXPENT0000000202"


async def subscribe(n, dxp: str, receiver: WebhookReceiver, code: str) -> None:
    await n.register(code, dxp)
    async with httpx.AsyncClient(base_url=n.url) as http:
        resp = await http.put(f"/enterprises/{dxp}/webhook", json={"url": receiver.url})
        assert resp.status_code == 201, resp.text
        receiver.secret = resp.json()["secret"]
        shown = (await http.get(f"/enterprises/{dxp}/webhook")).json()
        assert shown["url"] == receiver.url and "secret" not in shown


def in_order_per_key(hits) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for h in hits:
        out.setdefault(h.business_key, []).append(h.return_status)
    return out


async def test_signed_deliveries_survive_an_outage_in_order(notification):
    n = await notification()
    async with WebhookReceiver() as hook:
        await subscribe(n, AGENT, hook, "3301960201")
        hook.failing = True
        keys = [f"AGW{i}" for i in range(5)]
        sent = [receipt(k, s, dxp=AGENT) for s in ("2", "120", "800") for k in keys]
        await n.publish(sent)
        async with TopicReader(n.kafka, f"{n.prefix}ceb.receipts.{AGENT}") as topic:
            # the endpoint being down does not hold up the topic
            await topic.read_until(lambda rs: len(rs) >= len(sent), 15)
        await hook.wait_for(lambda h: len(h.hits) >= 10, 15)
        hook.failing = False
        await hook.wait_for(lambda h: {x.receipt_id for x in h.accepted} == {r.receipt_id for r in sent}, 30)
    assert all(h.signed_ok for h in hook.hits)
    assert any(h.attempt > 1 for h in hook.accepted)
    traces = {r.receipt_id: r.trace_id for r in sent}  # the POST carries the receipt's trace, as Kafka does
    assert all(parse_traceparent(h.traceparent).trace_id == traces[h.receipt_id] for h in hook.accepted)
    assert in_order_per_key(hook.accepted) == {k: ["2", "120", "800"] for k in keys}
    assert len(hook.accepted) == len(sent)
    async with httpx.AsyncClient(base_url=n.url) as http:
        rows = (await http.get(f"/enterprises/{AGENT}/receipts", params={"businessKey": "AGW0"})).json()["items"]
    assert [r["channels"]["webhook"]["status"] for r in rows] == ["delivered"] * 3
    assert rows[0]["channels"]["webhook"]["attempts"] > 1


async def test_parked_after_max_attempts_then_redelivered_in_order(notification):
    n = await notification(replace(FAST_WEBHOOKS, retry=RetrySchedule(base_s=0.05, cap_s=0.1, max_attempts=3)))
    async with WebhookReceiver() as hook, httpx.AsyncClient(base_url=n.url) as http:
        await subscribe(n, AGENT, hook, "3301960201")
        hook.failing = True
        sent = [receipt("AGP", s, dxp=AGENT) for s in ("2", "120")] + [receipt("AGQ", "2", dxp=AGENT)]
        await n.publish(sent)
        parked: list = []
        for _ in range(200):
            parked = (await http.get(f"/enterprises/{AGENT}/webhook/deliveries", params={"status": "parked"})).json()["items"]
            if len(parked) == 2:
                break
            await asyncio.sleep(0.1)
        # the first receipt of each key is parked; AGP's 120 waits behind its 2, never overtaking it
        assert sorted(p["businessKey"] for p in parked) == ["AGP", "AGQ"]
        assert all(p["attempts"] == 3 and p["lastHttpStatus"] == 503 and "503" in p["lastError"] for p in parked)
        assert {h.return_status for h in hook.hits if h.business_key == "AGP"} == {"2"}
        assert (await http.get(f"/enterprises/{AGENT}/webhook")).json()["deliveries"] == {"parked": 2, "pending": 1}
        waiting = (await http.get(f"/enterprises/{AGENT}/webhook/deliveries", params={"status": "pending"})).json()["items"]
        assert [(w["businessKey"], w["returnStatus"], w["waitingBehindEarlier"], w["nextAttemptAt"])
                for w in waiting] == [("AGP", "120", True, None)]

        hook.failing = False
        agq = next(p for p in parked if p["businessKey"] == "AGQ")
        one = await http.post(f"/enterprises/{AGENT}/webhook/deliveries/{agq['deliveryId']}/redeliver",
                              headers={"X-Operator": "ops"})
        assert one.status_code == 200 and one.json()["count"] == 1
        await hook.wait_for(lambda h: len(h.accepted) == 1, 10)
        bulk = await http.post(f"/enterprises/{AGENT}/webhook/deliveries/redeliver", headers={"X-Operator": "ops"})
        assert bulk.json()["count"] == 1
        await hook.wait_for(lambda h: len(h.accepted) == 3, 10)
        assert in_order_per_key(hook.accepted) == {"AGP": ["2", "120"], "AGQ": ["2"]}
        again = await http.post(f"/enterprises/{AGENT}/webhook/deliveries/{agq['deliveryId']}/redeliver")
        assert again.status_code == 200  # a delivered receipt can be sent again on request
        await hook.wait_for(lambda h: len(h.accepted) == 4, 10)
        for _ in range(50):  # the receiver has it; the delivery is recorded a moment later
            done = (await http.get(f"/enterprises/{AGENT}/webhook/deliveries")).json()["items"]
            if {d["status"] for d in done} == {"delivered"}:
                break
            await asyncio.sleep(0.1)
        assert {d["status"] for d in done} == {"delivered"}
        # the open profile's anonymous caller is "open"; a credential's holder would be recorded
        assert {d["redeliveredBy"] for d in done if d["redelivered"]} == {"ops", "open"}


async def test_a_hanging_endpoint_slows_neither_kafka_nor_other_enterprises(notification):
    n = await notification(replace(FAST_WEBHOOKS, timeout_s=2.0, per_enterprise=2))
    async with WebhookReceiver(hang_s=30) as slow, WebhookReceiver() as fast:
        await subscribe(n, AGENT, slow, "3301960201")
        await subscribe(n, OTHER, fast, "3301960202")
        started = time.monotonic()
        sent = [receipt(f"AGS{i}", "2", dxp=AGENT) for i in range(20)] + \
               [receipt(f"OT{i}", "2", dxp=OTHER) for i in range(20)]
        await n.publish(sent)
        await fast.wait_for(lambda h: len(h.accepted) == 20, 10)
        async with TopicReader(n.kafka, f"{n.prefix}ceb.receipts.{AGENT}") as topic:
            await topic.read_until(lambda rs: len(rs) == 20, 10)
        elapsed = time.monotonic() - started
        assert elapsed < 8, elapsed
        assert len(slow.hits) <= 2 * 2  # at most per_enterprise in flight per timeout period so far


async def test_unsubscribe_cancels_pending_and_unknown_enterprise_is_refused(notification):
    n = await notification()
    async with WebhookReceiver() as hook, httpx.AsyncClient(base_url=n.url) as http:
        assert (await http.put("/enterprises/DXPNOBODY/webhook", json={"url": hook.url})).status_code == 404
        await subscribe(n, AGENT, hook, "3301960201")
        bad = await http.put(f"/enterprises/{AGENT}/webhook", json={"url": "ftp://x"})
        assert bad.status_code == 422
        own = await http.put(f"/enterprises/{AGENT}/webhook", json={"url": hook.url, "secret": "s" * 32})
        assert own.json()["secret"] == "s" * 32
        hook.secret = "s" * 32
        hook.failing = True
        await n.publish([receipt("AGU", "2", dxp=AGENT)])
        await hook.wait_for(lambda h: len(h.hits) >= 1, 10)
        gone = await http.delete(f"/enterprises/{AGENT}/webhook")
        assert gone.json()["cancelledDeliveries"] == 1
        assert (await http.get(f"/enterprises/{AGENT}/webhook")).status_code == 404
        assert (await http.delete(f"/enterprises/{AGENT}/webhook")).status_code == 404


async def test_when_the_endpoint_answers_again_its_backed_off_deliveries_are_due_at_once(notification):
    # more slots than deliveries: the endpoint is not paused, only each delivery's back-off counts
    n = await notification(replace(FAST_WEBHOOKS, per_enterprise=8,
                                   retry=RetrySchedule(base_s=60, cap_s=300, max_attempts=10)))
    async with WebhookReceiver() as hook:
        await subscribe(n, AGENT, hook, "3301960201")
        hook.failing = True
        sent = [receipt(f"AGR{i}", "2", dxp=AGENT) for i in range(5)]
        await n.publish(sent)
        await hook.wait_for(lambda h: len(h.hits) == 5, 10)  # each failed once, now backing off for minutes
        hook.failing = False
        async with n.service.host.pool.acquire() as conn:
            for _ in range(100):  # every failure recorded
                if await conn.fetchval("SELECT count(*) FROM webhook_deliveries WHERE attempts = 1 "
                                       "AND claimed_until IS NULL") == 5:
                    break
                await asyncio.sleep(0.05)
            await conn.execute("UPDATE webhook_deliveries SET next_attempt_at = now() "
                               "WHERE id = (SELECT min(id) FROM webhook_deliveries)")
        started = time.monotonic()
        await hook.wait_for(lambda h: len(h.accepted) == 5, 10)
    assert time.monotonic() - started < 5


async def test_a_waiting_delivery_whose_wake_up_was_lost_is_still_delivered(notification):
    n = await notification()
    async with WebhookReceiver() as hook:
        await subscribe(n, AGENT, hook, "3301960201")
        hook.failing = True
        await n.publish([receipt("AGL", "2", dxp=AGENT), receipt("AGL", "120", dxp=AGENT)])
        await hook.wait_for(lambda h: len(h.hits) >= 1, 10)
        async with n.service.host.pool.acquire() as conn:
            # as if the 2 had been delivered by a transaction that did not see the 120 queued yet
            await conn.execute("UPDATE webhook_deliveries SET status = 'delivered' WHERE id = "
                               "(SELECT min(id) FROM webhook_deliveries)")
            assert await conn.fetchval("SELECT count(*) FROM webhook_deliveries "
                                       "WHERE next_attempt_at = 'infinity'") == 1
        hook.failing = False
        await hook.wait_for(lambda h: [x.return_status for x in h.accepted] == ["120"], 12)


async def test_a_dead_endpoint_is_paused_instead_of_hammered_once_per_due_delivery(notification):
    n = await notification(replace(FAST_WEBHOOKS, per_enterprise=4,
                                   retry=RetrySchedule(base_s=0.2, cap_s=1.0, max_attempts=100)))
    async with WebhookReceiver() as hook:
        await subscribe(n, AGENT, hook, "3301960201")
        hook.failing = True
        await n.publish([receipt(f"AGD{i}", "2", dxp=AGENT) for i in range(40)])
        await hook.wait_for(lambda h: len(h.hits) >= 1, 10)
        started, first = time.monotonic(), len(hook.hits)
        await asyncio.sleep(4)
        rate = (len(hook.hits) - first) / (time.monotonic() - started)
        # 40 deliveries each retrying on its own within 1 s would be 40+/s; paused: a few per window
        assert rate < 12, rate
        hook.failing = False
        await hook.wait_for(lambda h: len({x.receipt_id for x in h.accepted}) == 40, 15)
