"""Journeys on the running stack, sent as the enterprises send them, for the browser tests to watch
and work on; progress read from management's operator API."""
from __future__ import annotations

import asyncio
import time

import httpx

from services.cli.journey import Journey
from services.cli.kafka_io import send
from tests.support.stack import Stack

AGENT, EBC, LOGISTICS, OPERATOR = "DXPENT0000000001", "DXPENT0000000002", "DXPENT0000000003", "DXPENT0000000004"
AGENT_CODE = "3301960001"
WATCHLISTED = {1: {"gcode": "5001000000", "itemName": "Silkworm cocoons", "gname": "Silkworm cocoons"}}


async def until(stack: Stack, path: str, done, timeout: float = 60.0):
    """Polls management's ``path`` until ``done(json)`` is truthy; returns that value."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=stack.url("management"), timeout=10) as http:
        while True:
            resp = await http.get(path)
            if resp.status_code == 200 and (found := done(resp.json())):
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path}: {resp.status_code} {resp.text[:300]}")
            await asyncio.sleep(0.2)


async def list_status(stack: Stack, j: Journey, *statuses: str, timeout: float = 60.0) -> dict:
    return await until(stack, f"/lists/{AGENT_CODE}/{j.cop_no}", lambda v: v if v["status"] in statuses else None,
                       timeout)


async def audited(stack: Stack, j: Journey, changes=None, note: str | None = None) -> str:
    """Order, waybill and list sent; the list audited (399). Returns its invtNo."""
    await send(stack.kafka, EBC, j.order_message(list_item_changes=changes), stack.prefix)
    await send(stack.kafka, LOGISTICS, j.waybill_message(), stack.prefix)
    await send(stack.kafka, AGENT, j.list_message(item_changes=changes, head={"note": note} if note else None),
               stack.prefix)
    return (await list_status(stack, j, "399", "100"))["invt_no"]


async def arrived(stack: Stack, j: Journey, invt: str) -> dict:
    """The master bill and the goods' arrival: the list released (800) or held for inspection (500)."""
    await send(stack.kafka, AGENT, j.bill_message(invt), stack.prefix)
    await until(stack, f"/bills/{j.bill_no}", lambda b: b)
    await send(stack.kafka, OPERATOR, j.arrival_message(), stack.prefix)
    return await list_status(stack, j, "800", "500")


async def inspected(stack: Stack, note: str | None = None) -> tuple[Journey, str]:
    """A list held for inspection (its goods on the HS watchlist)."""
    j = Journey()
    invt = await audited(stack, j, WATCHLISTED, note)
    assert (await arrived(stack, j, invt))["status"] == "500"
    return j, invt


async def cancellation_waiting(stack: Stack) -> Journey:
    """A released list whose agent applied to cancel it: waiting for an officer."""
    j = Journey()
    invt = await audited(stack, j)
    assert (await arrived(stack, j, invt))["status"] == "800"
    await send(stack.kafka, AGENT, j.cancel_message(invt), stack.prefix)
    await until(stack, "/applications", lambda apps: [a for a in apps["items"] if a["cop_no"] == j.cop_no])
    return j
