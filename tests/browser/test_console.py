"""An operator at the console, in Chromium, on the running stack: watches flows, finds a list and
follows it, works the queues; what a token may not see stays masked."""
from __future__ import annotations

import asyncio
import re
import secrets
import time

import httpx
import pytest
from playwright.async_api import expect

from services.cli.journey import Journey
from services.cli.kafka_io import send
from tests.browser import journeys
from tests.browser.conftest import sign_in, token

pytestmark = pytest.mark.e2e

MOBILE = "13812345678"


@pytest.fixture(scope="module")
async def prepared(stack):
    """The lists the officers will work on, made while the first tests run."""
    tasks = {"inspected": asyncio.ensure_future(journeys.inspected(stack, note=f"call the seller on {MOBILE}")),
             "cancellation": asyncio.ensure_future(journeys.cancellation_waiting(stack))}
    yield tasks
    for task in tasks.values():
        task.cancel()
    await asyncio.gather(*tasks.values(), return_exceptions=True)


async def total(page, kind: str) -> int:
    cell = page.locator(f"#flows-receipts tr[data-kind='{kind}'] td.total")
    return int(await cell.inner_text()) if await cell.count() else 0


async def test_flow_counters_move_while_a_journey_runs(page, stack, prepared, screenshots):
    await sign_in(page, stack)
    await expect(page.locator("#page-flows")).to_be_visible()
    await expect(page.locator("#flows-updated")).to_contain_text("updated")
    before = await total(page, "CEB604:399")
    j = Journey()
    await journeys.audited(stack, j)
    await send(stack.kafka, "DXPNOBODY0000099", b"<not a registered sender/>", stack.prefix)
    row = page.locator("#flows-receipts tr[data-kind='CEB604:399']")
    await expect(row).to_contain_text("CEB604 399 audit concluded")
    for _ in range(100):  # the page refreshes itself every few seconds
        if await total(page, "CEB604:399") > before:
            break
        await asyncio.sleep(0.2)
    assert await total(page, "CEB604:399") > before
    await expect(page.locator("#flows-dead tbody tr[data-reason]").first).to_be_visible(timeout=15_000)
    await page.screenshot(path=str(screenshots / "flows.png"), full_page=True)


async def test_find_a_list_by_invtno_and_follow_its_timeline(page, stack, prepared, screenshots):
    j, invt = await prepared["inspected"]
    await sign_in(page, stack)
    await page.click("nav a[data-page=find]")
    await page.select_option("#find-key", "invtNo")
    await page.fill("#find-value", invt)
    await page.click("#find-form button[type=submit]")
    await expect(page.locator("#find-results tbody tr")).to_have_count(1)
    await expect(page.locator("#find-results")).to_contain_text(j.cop_no)
    timeline = page.locator("#timeline")
    await expect(timeline.locator("h3").first).to_contain_text(f"List {j.cop_no} 500 held for inspection")
    # every message, decision and receipt management recorded, receipts named
    assert await timeline.locator("ol.timeline li").count() >= 6
    await expect(timeline).to_contain_text("CEB604 399 audit concluded")
    await expect(timeline).to_contain_text("CEB604 500 held for inspection")
    await page.screenshot(path=str(screenshots / "find.png"), full_page=True)
    # an officer sees the personal data the declaration carries
    await page.click("#timeline details summary")
    await expect(page.locator("#list-head [data-field=note]")).to_have_text(f"call the seller on {MOBILE}")

    # the registry's admin does not
    await page.click("#sign-out")
    await sign_in(page, stack, name="admin-zhao", role="admin")
    await expect(page.locator("#who")).to_contain_text("personal data masked")
    await page.click("nav a[data-page=find]")
    await page.select_option("#find-key", "invtNo")
    await page.fill("#find-value", invt)
    await page.click("#find-form button[type=submit]")
    await expect(page.locator("#list-head [data-field=note]")).to_have_text("call the seller on *******5678")
    assert MOBILE not in await page.content()


async def test_lists_stuck_in_a_state_by_status_and_age(page, stack, prepared, screenshots):
    j, _ = await prepared["inspected"]
    await sign_in(page, stack)
    await page.click("nav a[data-page=stuck]")
    await page.fill("#stuck-minutes", "0")
    await page.click("#stuck-filter button[type=submit]")
    row = page.locator(f"#stuck tr[data-cop-no='{j.cop_no}']")
    await expect(row).to_contain_text("500")
    await expect(page.locator("#stuck-total")).not_to_have_text("0")
    await page.screenshot(path=str(screenshots / "stuck.png"), full_page=True)
    await page.select_option("#stuck-status", "500")
    await expect(row).to_be_visible()
    await expect(page.locator("#stuck tbody tr[data-status]:not([data-status='500'])")).to_have_count(0)
    await page.fill("#stuck-minutes", "600")  # it has not waited ten hours
    await page.click("#stuck-filter button[type=submit]")
    await expect(row).to_have_count(0)
    await page.fill("#stuck-minutes", "0")
    await page.click("#stuck-filter button[type=submit]")
    await row.click()  # a stuck list opens its timeline
    await expect(page.locator("#timeline h3").first).to_contain_text(f"List {j.cop_no} 500")


async def test_redrive_a_dead_letter_once_its_sender_is_registered(page, stack, screenshots):
    """An ERP sends before its enterprise is registered: the gateway dead-letters the record; the
    admin registers it, an officer redrives the record from the console, and it is answered."""
    dxp = f"DXPLATE{secrets.randbelow(10**9):09d}"
    await send(stack.kafka, dxp, b"<sent before its sender was registered/>", stack.prefix)
    officer = await stack.credential("officer", "officer-li")
    async with httpx.AsyncClient(base_url=stack.url("gateway"), headers=officer, timeout=10) as gateway:
        deadline = time.monotonic() + 60
        while not (await gateway.get("/dead-letters", params={"reason": dxp})).json()["total"]:
            assert time.monotonic() < deadline, "the record was not dead-lettered"
            await asyncio.sleep(0.3)
    await sign_in(page, stack)
    await page.click("nav a[data-page=deadletters]")
    await page.fill("#dl-reason", dxp)
    await page.click("#dl-filter button[type=submit]")
    row = page.locator("#dead-letters tbody tr[data-id]")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("unregistered sender")
    await row.locator("td.reason").click()
    await expect(page.locator("#dl-payload")).to_have_text("<sent before its sender was registered/>")
    await expect(page.locator("#dead-letter [data-field=key]")).to_have_text(dxp)

    async with httpx.AsyncClient(base_url=stack.url("gateway"), headers=stack.admin, timeout=10) as gateway:
        resp = await gateway.post("/enterprises", json={"code": f"33019{secrets.randbelow(10**5):05d}",
                                                        "name": "A late seller", "dxpId": dxp, "roles": ["ebc"]})
        assert resp.status_code == 201, resp.text
    await page.click("#dl-redrive")
    await expect(page.locator("#message")).to_contain_text("sent again")
    await expect(page.locator("#dl-audit li[data-action=redrive]")).to_contain_text("redrive by officer-li (officer)")
    await expect(row).to_have_count(0)  # the open ones are shown: it is redriven
    await page.select_option("#dl-state", "")
    await expect(page.locator("#dead-letters tbody tr[data-state=redriven]")).to_have_count(1)
    await page.screenshot(path=str(screenshots / "deadletters.png"), full_page=True)
    again = await page.evaluate("() => fetch('/api/gateway/dead-letters/' + document.querySelector("
                                "'#dead-letters tr[data-state=redriven]').dataset.id + '/redrive', {method: 'POST', "
                                "headers: {Authorization: 'Bearer ' + sessionStorage.getItem('cbec.token')}})"
                                ".then(r => r.status)")
    assert again == 409  # once: a second redrive of the same dead letter is refused

    # the record went round again and, its sender known now, is answered (a CEB900: it is no CEB message)
    async with httpx.AsyncClient(base_url=stack.url("notification"), headers=officer, timeout=10) as notification:
        deadline = time.monotonic() + 60
        while True:
            got = (await notification.get(f"/enterprises/{dxp}/receipts")).json()
            if any(r["messageType"] == "CEB900" for r in got["items"]):
                break
            assert time.monotonic() < deadline, got
            await asyncio.sleep(0.3)


async def test_record_an_inspection_result(page, stack, prepared, screenshots):
    j, _ = await prepared["inspected"]
    await prepared["cancellation"]  # both queues have work in the screenshot
    await sign_in(page, stack)
    await page.click("nav a[data-page=queues]")
    row = page.locator(f"#inspections tr[data-cop-no='{j.cop_no}']")
    await expect(row).to_be_visible()
    await expect(page.locator("#applications tr[data-cop-no]").first).to_be_visible()
    await page.screenshot(path=str(screenshots / "queues.png"), full_page=True)
    pager = page.locator(".pager[data-queue=inspections]")
    await expect(pager.locator("span")).to_contain_text("page 1")
    await expect(pager.locator("[data-step='-1']")).to_be_disabled()
    await row.locator("input[name=finding]").fill("as declared")
    await row.locator("button.pass").click()
    await expect(page.locator("#message")).to_contain_text("800")
    await expect(row).to_have_count(0)  # the queue refreshed: the task is closed
    view = await journeys.list_status(stack, j, "800")
    assert any(h["event"] == "pass inspection" and h["actor"] == "officer-li" for h in view["history"])


async def test_approve_a_cancellation_waiting_for_an_officer(page, stack, prepared):
    j = await prepared["cancellation"]
    await sign_in(page, stack, name="officer-wang")
    await page.click("nav a[data-page=queues]")
    row = page.locator(f"#applications tr[data-cop-no='{j.cop_no}'][data-kind=cancellation]")
    await row.locator("input[name=note]").fill("goods returned to the seller")
    await row.locator("button.approve").click()
    await expect(page.locator("#message")).to_contain_text("cancelled")
    view = await journeys.list_status(stack, j, "cancelled")
    assert any(h["actor"] == "officer-wang" for h in view["history"])


async def test_a_refused_token_is_said_so_and_asks_to_sign_in_again(page, stack):
    await sign_in(page, stack, raw_token=token("officer", "officer-li")[:-4] + "AAAA")
    await expect(page.locator("#message")).to_contain_text(re.compile("401.*token was refused"))
    await expect(page.locator("#login")).to_be_visible()
    await expect(page.locator("#page-flows")).to_be_hidden()


async def test_the_pipes_page_shows_lag_per_partition_outboxes_and_webhooks(page, stack, screenshots):
    await sign_in(page, stack)
    await page.click("nav a[data-page=pipes]")
    await expect(page.locator("#page-pipes")).to_be_visible()
    services = page.locator("#pipes-services tbody tr[data-service]")
    await expect(services).to_have_count(3)
    intake = page.locator("#pipes-lag tr[data-consumer=gateway-intake]")
    await expect(intake.first).to_be_visible(timeout=15_000)
    for consumer in ("management-declarations", "notification-receipts"):
        await expect(page.locator(f"#pipes-lag tr[data-consumer={consumer}]").first).to_be_visible()
    await expect(page.locator("#pipes-outbox tbody tr[data-service]")).to_have_count(3)
    await expect(page.locator("#pipes-webhooks tbody tr[data-service=notification] td.parked")).to_have_text("0")
    # an idle stack that keeps up: nothing red (a row past its threshold would be, see test_pipes_rows)
    await expect(page.locator("#pipes-outbox tr[data-red=true]")).to_have_count(0)
    await expect(page.locator("#pipes-services tr[data-service=gateway]")).to_contain_text("ready")
    await page.screenshot(path=str(screenshots / "pipes.png"), full_page=True)
    # the flow monitor and the console answer Prometheus and the probes too
    async with httpx.AsyncClient() as http:
        monitor = await http.get(stack.url("monitor") + "/metrics")
        assert re.search(r"^cbec_monitor_assigned 1\.0$", monitor.text, re.M), monitor.text[:500]
        assert (await http.get(stack.url("monitor") + "/health/ready")).json()["ready"] is True
        assert (await http.get(stack.url("console") + "/health/live")).json()["alive"] is True
        assert "python_info" in (await http.get(stack.url("console") + "/metrics")).text
