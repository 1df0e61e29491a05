"""``cbec demo``: register the demo enterprises and send the sample journey, printing each
receipt as the enterprises receive it."""
from __future__ import annotations

import asyncio
import time

import httpx

from .http_api import credentials
from .journey import DEMO_ENTERPRISES, Journey
from .kafka_io import ReceiptReader, ReceivedReceipt, send
from .sandbox_demo import INSPECT, REJECT, release_inspection, sandbox_state


async def _journey(gateway_url: str, bootstrap: str, prefix: str, fmt: str) -> int:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10, headers=credentials(admin=True)) as http:
        for e in DEMO_ENTERPRISES:
            resp = await http.post("/enterprises", json=e)
            resp.raise_for_status()
            print(f"registered {e['code']} {e['name']} as {e['dxpId']} ({', '.join(e['roles'])})")
    print(await sandbox_state(gateway_url))
    j = Journey()
    dxps = [e["dxpId"] for e in DEMO_ENTERPRISES]
    started = time.monotonic()
    async with ReceiptReader(bootstrap, dxps, prefix, from_beginning=False) as reader:
        await asyncio.sleep(1.0)  # let the reader join before the first receipt can exist

        def show(rr: ReceivedReceipt) -> None:
            print(f"  +{time.monotonic() - started:5.1f}s  {rr.line()}")

        async def step(title: str, sender: str, body: bytes, until) -> ReceivedReceipt:
            print(f"\n> {title} (from {sender})")
            await send(bootstrap, sender, body, prefix)
            seen: list[ReceivedReceipt] = []
            try:
                found = await reader.wait_for(lambda rr: (show(rr), until(rr))[1], timeout=60, seen=seen)
            except TimeoutError:
                raise SystemExit(f"no answer within 60 s to: {title}; is the stack up? (make status)") from None
            return found

        await step(f"CEB303 export order {j.order_no}", j.ebc_dxp, j.order_message(),
                   lambda rr: rr.key == j.order_no and rr.status in ("120", "100"))
        await step(f"CEB505 waybill {j.logistics_no}", j.logistics_dxp, j.waybill_message(),
                   lambda rr: rr.key == j.logistics_no and rr.status in ("120", "100"))
        stored = await step(f"CEB603 export list {j.cop_no} ({fmt}): audited against the order and the waybill",
                            j.agent_dxp, j.list_message(fmt, head=INSPECT),
                            lambda rr: rr.key == j.cop_no and rr.topic.endswith(j.agent_dxp) and rr.status in ("399", "100"))
        if stored.status != "399":
            return 1
        invt_no = stored.receipt.fields["invtNo"]
        await step(f"CEB607 master bill {j.bill_no} binding list {invt_no}", j.agent_dxp, j.bill_message(invt_no),
                   lambda rr: rr.receipt.message_type == "CEB608" and rr.status in ("120", "100"))
        decided = await step(f"CEB507 arrival of {j.logistics_no}", j.operator_dxp, j.arrival_message(),
                             lambda rr: rr.key == j.cop_no and rr.topic.endswith(j.agent_dxp) and rr.status in ("800", "500"))
        if decided.status == "500":
            await release_inspection(j.cop_no, credentials())
            await reader.wait_for(lambda rr: (show(rr), rr.key == j.cop_no and rr.status == "800")[1], timeout=60)
        await step(f"CEB509 departure of bill {j.bill_no}", j.logistics_dxp, j.departure_message(),
                   lambda rr: rr.key == j.cop_no and rr.topic.endswith(j.agent_dxp) and rr.status == "899")
        other = Journey()
        await step(f"CEB603 export list {other.cop_no} marked {REJECT['note']}", other.agent_dxp,
                   other.list_message(fmt, head=REJECT),
                   lambda rr: rr.key == other.cop_no and rr.topic.endswith(j.agent_dxp) and rr.status in ("100", "120"))
        try:
            await reader.wait_for(lambda rr: (show(rr), False)[1], timeout=2.0)
        except TimeoutError:
            pass
    print(f"\nthe list {j.cop_no} went 2 → 120 → 399 → (500 →) 800 → 899 in {time.monotonic() - started:.1f}s. "
          "The stack stays up: send more with `cbec send FILE… --fresh` (the sender from each message), stop it with `make down`.")
    return 0


def run_demo(gateway_url: str, bootstrap: str, prefix: str, fmt: str) -> int:
    return asyncio.run(_journey(gateway_url, bootstrap, prefix, fmt))
