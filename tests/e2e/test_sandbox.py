"""The sandbox (CBEC_SANDBOX=1) as an integrator rehearses in it: a rule file scripts an
inspection (then the officer's release), a rejection with a chosen code and a doubled receipt, and
a moved clock makes a split bill's missing part overdue — on every service at once. Every receipt
the ERP gets is still valid against the official schema."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from services.cli.journey import DEMO_ENTERPRISES, Journey
from services.cli.kafka_io import ReceiptReader, send
from shared.messages.official_schema import schema_problems
from tests.support.stack import running_stack

pytestmark = pytest.mark.e2e


async def test_a_rule_file_rehearses_an_inspection_a_rejection_and_a_moved_clock(
        kafka_bootstrap, admin_database_url, tmp_path):
    held, refused, split = Journey(), Journey(), Journey()
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"""
rules:
  - match: {{messageType: CEB603, copNo: "{held.cop_no}"}}
    outcome: inspect
  - match: {{messageType: CEB603, copNo: "{refused.cop_no[:-3]}*"}}
    outcome: reject
    code: "2603"
    text: "the goods description is not specific enough"
  - match: {{messageType: CEB303, orderNo: "{held.order_no}"}}
    outcome: duplicate
    status: "120"
""", encoding="utf-8")
    env = {"CBEC_SANDBOX": "1", "CBEC_SANDBOX_RULES": str(rules), "GATEWAY_PARTS_TIMEOUT_S": "3600"}
    dxp = {e["roles"][0]: e["dxpId"] for e in DEMO_ENTERPRISES}
    seen: list = []
    async with running_stack(kafka_bootstrap, admin_database_url, tmp_path, enterprises=DEMO_ENTERPRISES,
                             extra_env=env) as stack, \
            ReceiptReader(stack.kafka, list(dxp.values()), stack.prefix) as reader:

        async def answer(sender: str, body: bytes, message_type: str, key: str, until: tuple[str, ...]):
            await send(stack.kafka, sender, body, stack.prefix)
            return await reader.wait_for(lambda r: r.receipt.message_type == message_type and r.key == key
                                         and r.status in until, 90, seen)

        await answer(dxp["ebc"], held.order_message(), "CEB304", held.order_no, ("120", "100"))
        await answer(dxp["logistics"], held.waybill_message(), "CEB506", held.logistics_no, ("120", "100"))
        audited = await answer(dxp["agent"], held.list_message(), "CEB604", held.cop_no, ("399", "100"))
        assert audited.status == "399", audited.receipt.fields["returnInfo"]

        # a rejection with the code the rule chose, answered by the gateway
        rejected = await answer(dxp["agent"], refused.list_message(), "CEB604", refused.cop_no, ("120", "100"))
        assert rejected.status == "100"
        assert rejected.receipt.fields["returnInfo"].startswith(
            "[Code:2603;Desc:Inventory[1]/InventoryHead/note: the goods description is not specific enough")

        # held for inspection, then released by the officer
        bill = await answer(dxp["agent"], held.bill_message(audited.receipt.fields["invtNo"]), "CEB608",
                            f"WB{held.stamp}", ("120", "100"))
        assert bill.status == "120", bill.receipt.fields["returnInfo"]
        inspected = await answer(dxp["operator"], held.arrival_message(), "CEB604", held.cop_no, ("800", "500"))
        assert inspected.status == "500"
        assert "sandbox" in inspected.receipt.fields["returnInfo"]
        async with httpx.AsyncClient(base_url=stack.url("management"), headers={"X-Operator": "officer-li"}) as http:
            task = next(t for t in (await http.get("/inspections", params={"limit": 1000})).json()["items"] if t["cop_no"] == held.cop_no)
            (await http.post(f"/inspections/{task['id']}/result", json={"result": "pass"})).raise_for_status()
        released = await reader.wait_for(lambda r: r.key == held.cop_no and r.status == "800", 60, seen)
        assert released.receipt.message_type == "CEB604"

        # the clock: part 1 of 2 of a bill, then an hour and more passes on every service's clock
        await send(stack.kafka, dxp["agent"], split.bill_message(None, msg_seq=(1, 2)), stack.prefix)
        await asyncio.sleep(2)
        assert not [r for r in seen if r.key == f"WB{split.stamp}"]
        async with httpx.AsyncClient() as http:
            moved = (await http.post(f"{stack.url('management')}/sandbox/clock", json={"advance_s": 3700})).json()
            assert moved["offset_s"] == 3700
            await asyncio.sleep(1)
            for svc in ("gateway", "notification"):
                assert (await http.get(f"{stack.url(svc)}/sandbox/clock")).json()["offset_s"] == 3700
        overdue = await reader.wait_for(lambda r: r.key == f"WB{split.stamp}", 30, seen)
        assert overdue.status == "100" and overdue.receipt.fields["returnInfo"].startswith("[Code:2601;")
        assert overdue.receipt.fields["returnTime"][:14] >= _china(moved["now"])  # the moved time

    # the doubled receipt: two copies of the order's 120, one receipt id (the ERP drops the second)
    copies = [r for r in seen if r.key == held.order_no and r.status == "120"]
    assert len(copies) == 2 and copies[0].headers["cbec-receipt-id"] == copies[1].headers["cbec-receipt-id"]
    assert [r.status for r in seen if r.key == held.cop_no and r.topic.endswith(dxp["agent"])] == [
        "2", "120", "399", "500", "800"]
    for r in seen:
        assert schema_problems(r.raw) == [], (r.receipt.message_type, r.status)


def _china(iso: str) -> str:
    """An ISO moment as a returnTime's first 14 digits (China time)."""
    from datetime import datetime

    from shared.receipts import CHINA

    return datetime.fromisoformat(iso).astimezone(CHINA).strftime("%Y%m%d%H%M%S")
