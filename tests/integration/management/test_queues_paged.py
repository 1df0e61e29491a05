"""The operator API's queues on the real database, past the old cap of 1,000: every open inspection
is reached by paging (B2B first, no page starting again), counted; stuck lists by status and age."""
from __future__ import annotations

import httpx
import pytest

from services.management.domain.risk import RiskEngine, RiskRules
from services.management.entrypoints.http import build_app
from services.management.service_layer.declarations import Declarations
from services.management.settings import ManagementSettings

pytestmark = pytest.mark.integration

LISTS = 1105


async def test_queues_page_past_a_thousand_and_stuck_lists_are_found_by_age(management_pool):
    async with management_pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO lists (agent_code, cop_no, pre_no, status, customs_code, trade_mode, declarant_dxp, "
            "receipt_format, head, items, updated_at) "
            "SELECT '3301960001', 'C' || n, 'B' || n, CASE WHEN n % 100 = 0 THEN '899' ELSE '500' END, '2992', "
            "CASE WHEN n % 10 = 0 THEN '9710' ELSE '9610' END, 'DXPENT0000000001', 'xml', '{}', '[]', "
            "now() - make_interval(mins => n) FROM generate_series(1, $1) AS n", LISTS)
        await conn.execute("INSERT INTO inspections (list_id, priority, rules) "
                           "SELECT id, CASE WHEN trade_mode = '9710' THEN 0 ELSE 1 END, '[]' FROM lists")
    rules = RiskRules.load()
    app = build_app(management_pool, lambda: {"ok": True},
                    Declarations(ManagementSettings.from_env({}), RiskEngine(rules), rules))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as http:
        first = (await http.get("/inspections", params={"limit": 1000})).json()
        second = (await http.get("/inspections", params={"offset": 1000, "limit": 1000})).json()
        assert first["total"] == second["total"] == LISTS
        ids = [t["id"] for t in first["items"] + second["items"]]
        assert len(ids) == len(set(ids)) == LISTS  # every task once: page two does not start again
        modes = [t["trade_mode"] for t in first["items"] + second["items"]]
        assert modes == sorted(modes, key=lambda m: m != "9710")  # B2B first
        b2b = (await http.get("/inspections", params={"b2b": "true", "limit": 5})).json()
        assert b2b["total"] == LISTS // 10 and {t["trade_mode"] for t in b2b["items"]} == {"9710"}
        newest = (await http.get("/inspections", params={"sort": "newest", "limit": 1})).json()["items"][0]
        assert newest["id"] == max(ids)
        assert (await http.get("/inspections", params={"limit": 1001})).status_code == 422

        # lists unchanged for more than 16 hours (1,000 minutes), not ended, oldest first
        stuck = (await http.get("/lists/stuck", params={"olderThanMinutes": 1000, "limit": 3})).json()
        not_ended_older = [n for n in range(1001, LISTS + 1) if n % 100 != 0]
        assert stuck["total"] == len(not_ended_older)
        assert [s["cop_no"] for s in stuck["items"]] == [f"C{n}" for n in sorted(not_ended_older, reverse=True)[:3]]
        assert all(s["status"] == "500" and s["waiting_s"] > 1000 * 60 for s in stuck["items"])
        assert (await http.get("/lists/stuck", params={"olderThanMinutes": 1000, "status": "899"})).json()["total"] == 0
        found = (await http.get("/lists", params={"status": "899", "offset": 10, "limit": 5})).json()
        assert found["total"] == LISTS // 100 and len(found["items"]) == 1
