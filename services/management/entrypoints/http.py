"""Management's operator API: what customs knows about lists and bills, and what officers do.

Every call needs an officer's (or admin's) bearer token (shared/auth.py); the officer named by the
credential — never a header — is the actor the list's history records. An action runs in one transaction with the receipts it causes
(written to the outbox), so the enterprise hears of it exactly once.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import asyncpg
from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field

from shared.auth import Authenticator, Principal
from shared.db.outbox import add_to_outbox
from shared.health import add_health_route
from shared.http_app import service_app

from ..adapters import applications, inspections
from ..domain.list_lifecycle import TransitionRefused
from ..adapters import summaries as summary_store
from ..service_layer import officer, summaries
from ..service_layer.declarations import Declarations
from .views import bill_view, find_lists, list_view

class InspectionResult(BaseModel):
    result: Literal["pass", "fail"]
    finding: str = Field("", description="what the inspection found (required to fail)")


class Approval(BaseModel):
    note: str = ""


class Refusal(BaseModel):
    reason: str = Field(..., min_length=1)


class SummaryConclusion(BaseModel):
    decState: str = Field("A", min_length=1, max_length=3,
                          description="the customs declaration's state, as CEB792 carries it (the customs' sample: A)")
    entryId: str = Field("", pattern=r"^([0-9]{18})?$",
                         description="the customs declaration number; empty: customs assigns one")
    note: str = Field("", max_length=1000)


class ActionOutcome(BaseModel):
    outcome: str
    list_status: str
    detail: str = ""


def build_app(pool: asyncpg.Pool, health: Callable[[], dict], declarations: Declarations,
              wake: Callable[[], None] = lambda: None, auth: Authenticator | None = None) -> FastAPI:
    auth = auth or Authenticator("open")
    officer_only = auth.dependency("officer", acts=True)
    reader = auth.dependency("officer", "admin")
    app = service_app(title="cbec management operator API", version="2.0",
                      description="Export lists, master bills, customs decisions, the inspection queue and the "
                                  "applications waiting for an officer.")

    async def run(caller: Principal, action):
        """An officer's action in one transaction with the receipts it causes; its outcome."""
        async with pool.acquire() as conn:
            try:
                async with conn.transaction():
                    cl = declarations.clearance(conn, actor=caller.name)
                    outcome = await action(cl)
                    await add_to_outbox(conn, cl.outgoing)
            except officer.NotFound as err:
                raise HTTPException(404, str(err)) from err
            except officer.ActionRefused as err:
                raise HTTPException(409, str(err)) from err
            except TransitionRefused as err:
                raise HTTPException(409, err.reason) from err
        wake()
        return outcome

    async def act(caller: Principal, action) -> ActionOutcome:
        return ActionOutcome(**(await run(caller, action)).__dict__)

    add_health_route(app, health)

    @app.get("/lists/{agent_code}/{cop_no}", tags=["lists"],
             summary="A list's current state, its versions and its full history (messages, decisions, receipts)")
    async def get_list(agent_code: str, cop_no: str, caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            view = await list_view(conn, agent_code, cop_no)
        if view is None:
            raise HTTPException(404, f"no list {cop_no} of agent {agent_code}")
        return view

    @app.get("/lists", tags=["lists"], summary="Find lists by any business key")
    async def search_lists(invt_no: str | None = Query(None, alias="invtNo"),
                           logistics_no: str | None = Query(None, alias="logisticsNo"),
                           order_no: str | None = Query(None, alias="orderNo"),
                           cop_no: str | None = Query(None, alias="copNo"),
                           bill_no: str | None = Query(None, alias="billNo"),
                           guid: str | None = Query(None, description="of any message about the list"),
                           status: str | None = None, limit: int = Query(100, le=1000),
                           caller: Principal = reader) -> list[dict]:
        async with pool.acquire() as conn:
            return await find_lists(conn, {"invt_no": invt_no, "logistics_no": logistics_no, "order_no": order_no,
                                           "cop_no": cop_no, "bill_no": bill_no, "status": status,
                                           "guid": guid}, limit)

    @app.get("/bills/{bill_no}", tags=["bills"], summary="A master bill with its parts and its lists")
    async def get_bill(bill_no: str, caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            view = await bill_view(conn, bill_no)
        if view is None:
            raise HTTPException(404, f"no bill {bill_no}")
        return view

    @app.get("/inspections", tags=["inspection"], summary="The open inspection queue, B2B exports (9710, 9810) first")
    async def get_inspections(limit: int = Query(100, le=1000), caller: Principal = reader) -> list[dict]:
        async with pool.acquire() as conn:
            return await inspections.queue(conn, limit)

    @app.post("/inspections/{task_id}/result", tags=["inspection"], response_model=ActionOutcome,
              summary="Record an inspection's result: pass → released (800), fail → rejected (100)")
    async def post_inspection_result(task_id: int, body: InspectionResult, caller: Principal = officer_only) -> ActionOutcome:
        if body.result == "fail" and not body.finding.strip():
            raise HTTPException(422, "a failed inspection needs its finding")
        return await act(caller, lambda cl: officer.record_inspection(cl, task_id, body.result == "pass",
                                                                          body.finding))

    @app.get("/applications", tags=["applications"],
             summary="Applications waiting for an officer: cancellations, modifications, manual reviews")
    async def get_applications(limit: int = Query(100, le=1000), caller: Principal = reader) -> list[dict]:
        async with pool.acquire() as conn:
            return await applications.pending(conn, limit)

    @app.post("/applications/{application_id}/approve", tags=["applications"], response_model=ActionOutcome)
    async def post_approve(application_id: int, body: Approval | None = None, caller: Principal = officer_only) -> ActionOutcome:
        return await act(caller, lambda cl: officer.approve(cl, application_id, body.note if body else ""))

    @app.post("/applications/{application_id}/refuse", tags=["applications"], response_model=ActionOutcome)
    async def post_refuse(application_id: int, body: Refusal, caller: Principal = officer_only) -> ActionOutcome:
        return await act(caller, lambda cl: officer.refuse(cl, application_id, body.reason))

    @app.get("/summaries", tags=["summaries"], summary="Summary applications (CEB701) waiting for customs")
    async def get_summaries(limit: int = Query(100, le=1000), caller: Principal = reader) -> list[dict]:
        async with pool.acquire() as conn:
            return await summary_store.pending(conn, limit)

    @app.get("/summaries/{sum_no}", tags=["summaries"], summary="A summary with the lists it covers and its result")
    async def get_summary(sum_no: str, caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            view = await summary_store.view(conn, sum_no)
        if view is None:
            raise HTTPException(404, f"no summary {sum_no}")
        return view

    @app.post("/summaries/{sum_no}/conclude", tags=["summaries"],
              summary="Customs concludes a summary: CEB702 399, then the summary result CEB792")
    async def post_conclude_summary(sum_no: str, body: SummaryConclusion | None = None,
                                    caller: Principal = officer_only) -> dict:
        body = body or SummaryConclusion()
        return await run(caller, lambda cl: summaries.conclude(
            cl, sum_no, dec_state=body.decState, entry_id=body.entryId, note=body.note))

    @app.post("/summaries/{sum_no}/refuse", tags=["summaries"], summary="Customs refuses a summary: CEB702 100")
    async def post_refuse_summary(sum_no: str, body: Refusal, caller: Principal = officer_only) -> dict:
        return await run(caller, lambda cl: summaries.refuse(cl, sum_no, body.reason))

    @app.get("/risk-rules", tags=["risk"], summary="The risk rules in force (edit the file named by MANAGEMENT_RISK_RULES)")
    async def get_risk_rules(caller: Principal = reader) -> dict:
        return declarations.rules.public()

    return app
