"""Dead letters on a service's API, on the real broker and database: an operator reads one, redrives
it (the original record, back on its topic, once), the loop guard stops a record that keeps
failing, a discard needs a reason, and every act is in the audit with the credential's holder."""
from __future__ import annotations

import asyncio

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from shared.auth import Authenticator
from shared.db.unit_of_work import units_of_work
from shared.dead_letters_api import add_dead_letter_routes
from shared.kafka.admin import TopicAdmin
from shared.kafka.consumer import BatchConsumer, dead_letter_to
from shared.kafka.received import raw_value
from shared.kafka.relay import OutboxRelay

pytestmark = pytest.mark.integration


async def test_redrive_reads_discard_and_the_loop_guard(service_pool, kafka_bootstrap, topic_prefix):
    topic, dlq = f"{topic_prefix}in", f"{topic_prefix}in.dlq"
    admin = TopicAdmin(kafka_bootstrap, partitions=1)
    await admin.start()
    await admin.ensure({topic: {}, dlq: {}})
    async with service_pool.acquire() as conn:
        await conn.execute("CREATE TABLE applied (value text)")
    fixed: set[bytes] = set()  # what the "bug fix" lets through

    async def handler(messages, batch):
        for m in messages:
            if m.model.startswith(b"poison") and m.model not in fixed:
                raise ValueError(f"cannot apply {m.model.decode()}")
            await batch.conn.execute("INSERT INTO applied VALUES ($1)", m.model.decode())

    relay = OutboxRelay("dl-test", service_pool, admin, bootstrap_servers=kafka_bootstrap,
                        transactional_id=f"{topic_prefix}dl-relay", progress_topic=f"{topic_prefix}dl-progress")
    consumer = BatchConsumer("dl-consumer", [topic], bootstrap_servers=kafka_bootstrap, group_id=f"{topic_prefix}dl",
                             pool=service_pool, handler=handler, decode=raw_value, dead_letter=dead_letter_to(dlq),
                             on_committed=relay.wake)
    tasks = [asyncio.create_task(consumer.run()), asyncio.create_task(relay.run())]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    for value in (b"ok-1", b"poison-a", b"poison-b", b"ok-2"):
        await producer.send(topic, value, key=b"list-1", headers=[("cbec-trace-id", b"trace-7")])
    await producer.stop()

    auth = Authenticator("secure", key="k" * 32)
    app = FastAPI()
    add_dead_letter_routes(app, service_pool, units_of_work(service_pool, relay.wake), auth, redrive_limit=1)
    officer = {"Authorization": f"Bearer {auth.issue('officer', 'ops-wang').token}"}
    seller = {"Authorization": f"Bearer {auth.issue('enterprise', 'seller', 'DXPENT0000000002').token}"}

    async def until(http, path, done, within=30.0):
        deadline = asyncio.get_running_loop().time() + within
        while True:
            body = (await http.get(path, headers=officer)).json()
            if done(body):
                return body
            assert asyncio.get_running_loop().time() < deadline, body
            await asyncio.sleep(0.2)

    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
            assert (await http.get("/dead-letters")).status_code == 401
            assert (await http.get("/dead-letters", headers=seller)).status_code == 403
            page = await until(http, "/dead-letters?state=open", lambda b: b["total"] == 2)
            b_id, a_id = [d["id"] for d in page["items"]]  # newest first
            assert [d["key"] for d in page["items"]] == ["list-1", "list-1"]
            one = (await http.get("/dead-letters?reason=POISON-A&limit=1", headers=officer)).json()
            assert one["total"] == 1 and one["items"][0]["id"] == a_id
            assert (await http.get("/dead-letters?offset=1&limit=1", headers=officer)).json()["items"][0]["id"] == a_id

            seen = (await http.get(f"/dead-letters/{a_id}", headers=officer)).json()
            assert (seen["payload"], seen["reason"], seen["topic"]) == ("poison-a", "ValueError: cannot apply poison-a",
                                                                        topic)
            assert {"name": "cbec-trace-id", "value": "trace-7"} in seen["headers"] and seen["state"] == "open"
            assert (await http.get("/dead-letters/999999", headers=officer)).status_code == 404

            # the cause of poison-a is fixed: redriven, it is applied — once, however often the call comes
            fixed.add(b"poison-a")
            assert (await http.post(f"/dead-letters/{a_id}/redrive", headers=seller)).status_code == 403
            sent = await http.post(f"/dead-letters/{a_id}/redrive", headers=officer)
            assert sent.status_code == 200 and sent.json()["topic"] == topic
            again = await http.post(f"/dead-letters/{a_id}/redrive", headers=officer)
            assert again.status_code == 409 and "redriven already (by ops-wang)" in again.json()["detail"]
            # poison-b still fails: redriven, it dead-letters again, with its count
            bulk = (await http.post("/dead-letters/redrive", json={"reason": "poison-b"}, headers=officer)).json()
            assert [r["id"] for r in bulk["redriven"]] == [b_id] and bulk["refused"] == []
            page = await until(http, "/dead-letters?state=open", lambda b: b["total"] == 1)
            [b2] = page["items"]
            assert b2["redrives"] == 1 and b2["reason"] == "ValueError: cannot apply poison-b"
            headers = {h["name"]: h["value"] for h in (await http.get(f"/dead-letters/{b2['id']}",
                                                                       headers=officer)).json()["headers"]}
            assert headers["cbec-redrive-count"] == "1" and headers["cbec-trace-id"] == "trace-7"
            # ... and the loop guard refuses to send it round once more
            guard = await http.post(f"/dead-letters/{b2['id']}/redrive", headers=officer)
            assert guard.status_code == 409 and "redriven 1 times" in guard.json()["detail"]
            assert (await http.post("/dead-letters/redrive", json={}, headers=officer)).status_code == 422

            assert (await http.post(f"/dead-letters/{b2['id']}/discard", json={"reason": ""},
                                    headers=officer)).status_code == 422
            gone = await http.post(f"/dead-letters/{b2['id']}/discard", json={"reason": "the seller sends it anew"},
                                   headers=officer)
            assert gone.status_code == 200 and gone.json()["state"] == "discarded"
            assert (await http.get("/dead-letters?state=open", headers=officer)).json() == {"total": 0, "items": []}

            audit = (await http.get("/dead-letters/audit", headers=officer)).json()
            assert [(a["deadLetterId"], a["action"], a["actor"], a["role"], a["reason"]) for a in audit["items"]] == [
                (b2["id"], "discard", "ops-wang", "officer", "the seller sends it anew"),
                (b_id, "redrive", "ops-wang", "officer", ""), (a_id, "redrive", "ops-wang", "officer", "")]
            assert audit["total"] == 3
        async with service_pool.acquire() as conn:
            applied = sorted(r["value"] for r in await conn.fetch("SELECT value FROM applied"))
        assert applied == ["ok-1", "ok-2", "poison-a"]
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await relay.stop()
        await admin.close()
