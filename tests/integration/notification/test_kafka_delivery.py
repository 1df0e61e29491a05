"""Receipts reach the enterprise's topic once, in order, with their headers; history and replay."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shared.messages import decode_receipt
from tests.integration.notification.conftest import TopicReader, receipt

pytestmark = pytest.mark.integration

AGENT, EBC = "DXPENT0000000101", "DXPENT0000000102"


async def test_each_receipt_once_in_order_to_every_enterprise_it_concerns(notification):
    n = await notification()
    await n.register("3301960002", EBC)
    first = [receipt("AG1", s, dxp=AGENT) for s in ("2", "120")]
    release = receipt("AG1", "800", dxp=AGENT, concerns=["3301960002", "9999999999"])
    await n.publish(first + [release, first[0]])  # the 2 again: a copy re-sent by its producer
    async with TopicReader(n.kafka, f"{n.prefix}ceb.receipts.{AGENT}") as agent, \
            TopicReader(n.kafka, f"{n.prefix}ceb.receipts.{EBC}") as ebc:
        await agent.read_until(lambda rs: len(rs) >= 3)
        await ebc.read_until(lambda rs: len(rs) >= 1)
        await agent.drain(1.5)
    assert [(k, h["cbec-return-status"]) for k, h, _ in agent.records] == [("AG1", "2"), ("AG1", "120"), ("AG1", "800")]
    assert [h["cbec-receipt-id"] for _, h, _ in agent.records] == [r.receipt_id for r in first + [release]]
    assert [(k, h["cbec-return-status"]) for k, h, _ in ebc.records] == [("AG1", "800")]
    body = decode_receipt(agent.records[2][2])
    assert body.message_type == "CEB604" and body.fields["returnStatus"] == "800"
    assert body.guid == release.receipt_id.upper()


async def test_history_by_business_key_guid_and_time_with_kafka_status(notification):
    n = await notification()
    before = datetime.now(UTC) - timedelta(seconds=1)
    sent = [receipt("AG2", "2", dxp=AGENT), receipt("AG2", "120", dxp=AGENT), receipt("AG3", "2", dxp=AGENT)]
    await n.publish(sent)
    async with httpx.AsyncClient(base_url=n.url) as http:
        for _ in range(100):
            rows = (await http.get(f"/enterprises/{AGENT}/receipts", params={"businessKey": "AG2"})).json()["items"]
            if len(rows) == 2 and all(r["channels"]["kafka"]["status"] == "published" for r in rows):
                break
            await asyncio.sleep(0.1)
        assert [r["returnStatus"] for r in rows] == ["2", "120"]
        assert rows[0]["channels"]["webhook"] is None
        by_guid = (await http.get(f"/enterprises/{AGENT}/receipts", params={"guid": sent[2].fields["guid"]})).json()["items"]
        assert [r["receiptId"] for r in by_guid] == [sent[2].receipt_id]
        window = (await http.get(f"/enterprises/{AGENT}/receipts", params={"since": before.isoformat()})).json()
        assert window["total"] == 3 and len(window["items"]) == 3
        later = (await http.get(f"/enterprises/{AGENT}/receipts",
                                params={"since": (datetime.now(UTC) + timedelta(minutes=1)).isoformat()})).json()
        assert later == {"total": 0, "items": []}
        first = (await http.get(f"/enterprises/{AGENT}/receipts", params={"limit": 2})).json()
        page = first["items"]
        assert first["total"] == 3 and len(page) == 2
        rest = (await http.get(f"/enterprises/{AGENT}/receipts", params={"after": page[-1]["seq"]})).json()["items"]
        by_offset = (await http.get(f"/enterprises/{AGENT}/receipts", params={"offset": 2})).json()["items"]
        assert by_offset == rest
        ids = [r["receiptId"] for r in page + rest]  # every receipt once, AG2's in their order
        assert sorted(ids) == sorted(r.receipt_id for r in sent)
        assert ids.index(sent[0].receipt_id) < ids.index(sent[1].receipt_id)


async def test_replay_re_emits_in_original_order_marked_as_replayed(notification):
    n = await notification()
    sent = [receipt("AG4", s, dxp=AGENT) for s in ("2", "120", "800")]
    since = min(r.issued_at for r in sent) - timedelta(milliseconds=1)
    await n.publish(sent)
    async with TopicReader(n.kafka, f"{n.prefix}ceb.receipts.{AGENT}") as topic:
        await topic.read_until(lambda rs: len(rs) >= 3)
        async with httpx.AsyncClient(base_url=n.url) as http:
            refused = await http.post(f"/enterprises/{AGENT}/replay", json={"since": since.isoformat()})
            assert refused.status_code == 401  # nobody replays anonymously
            done = await http.post(f"/enterprises/{AGENT}/replay", json={"since": since.isoformat()},
                                   headers={"X-Operator": "ops@example"})
            assert done.status_code == 202, done.text
            assert done.json()["receipts"] == 3
            logged = (await http.get(f"/enterprises/{AGENT}/replays")).json()["items"]
            assert [(r["operator"], r["receipts"]) for r in logged] == [("ops@example", 3)]
        await topic.read_until(lambda rs: len(rs) >= 6)
    original, replayed = topic.records[:3], topic.records[3:]
    assert all("cbec-replay" not in h for _, h, _ in original)
    assert [h.get("cbec-replay") for _, h, _ in replayed] == ["true"] * 3
    assert [h["cbec-receipt-id"] for _, h, _ in replayed] == [h["cbec-receipt-id"] for _, h, _ in original]
    assert [v for _, _, v in replayed] == [v for _, _, v in original]


async def test_receipts_are_signed_with_the_platform_key_when_configured(notification, tmp_path):
    from cryptography.hazmat.primitives import serialization

    from shared.messages.signature import verify_json, verify_xml
    from tests.unit.notification.test_receipt_signing import platform_key

    pem, cert = platform_key()
    (tmp_path / "platform.key").write_bytes(pem)
    (tmp_path / "platform.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    n = await notification(signing_key_path=str(tmp_path / "platform.key"),
                           signing_cert_path=str(tmp_path / "platform.crt"))
    await n.publish([receipt("AGS", "2", dxp=AGENT), receipt("AGS", "120", dxp=AGENT, fmt="json")])
    async with TopicReader(n.kafka, f"{n.prefix}ceb.receipts.{AGENT}") as topic:
        await topic.read_until(lambda rs: len(rs) >= 2)
    xml, js = topic.records[0][2], topic.records[1][2]
    verify_xml(xml, cert)
    verify_json(js, cert)
    assert decode_receipt(xml).fields["returnStatus"] == "2"
