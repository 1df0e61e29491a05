"""The demo's rehearsal of the unhappy paths in the sandbox (docs/sandbox.md): the demo's list asks
for an inspection with its ``note`` marker, which an officer then releases, and a second list asks
for a rejection with code 2603. Without the sandbox the markers are plain notes."""
from __future__ import annotations

import os

import httpx

INSPECT = {"note": "SANDBOX:INSPECT"}
REJECT = {"note": "SANDBOX:REJECT:2603"}
OFFICER = "demo-officer"


async def sandbox_state(gateway_url: str) -> str:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=5) as http:
        resp = await http.get("/sandbox/clock")
    if resp.status_code == 404:
        return "sandbox: off (the stack runs without CBEC_SANDBOX=1): the risk engine decides, markers are notes"
    return f"sandbox: on, clock {resp.json()['now']} (moved {resp.json()['offset_s']:g} s)"


async def release_inspection(cop_no: str, headers: dict[str, str]) -> None:
    """What the officer does at the console: the list's inspection passes (POST /inspections/{id}/result)."""
    url = os.environ.get("CBEC_MANAGEMENT_URL", "http://127.0.0.1:8081")
    async with httpx.AsyncClient(base_url=url, timeout=10, headers={**headers, "X-Operator": OFFICER}) as http:
        task, offset = None, 0
        while task is None:  # the queue pages: {"total", "items"}
            page = (await http.get("/inspections", params={"offset": offset, "limit": 500})).raise_for_status().json()
            task = next((t for t in page["items"] if t["cop_no"] == cop_no), None)
            offset += len(page["items"])
            if task is None and (not page["items"] or offset >= page["total"]):
                raise RuntimeError(f"no open inspection of list {cop_no}")
        (await http.post(f"/inspections/{task['id']}/result", json={"result": "pass"})).raise_for_status()
    print(f"  officer {OFFICER}: inspection {task['id']} of {cop_no} passed")
