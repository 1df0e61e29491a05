"""Management's operator API: what customs knows about lists and bills, and what officers do.

Every call needs an officer's (or admin's) bearer token (shared/auth.py); the officer named by the
credential — never a header — is the actor the list's history records. An action runs in one unit of
work (``shared.db.unit_of_work``) with the receipts it causes (written to the outbox), so the
enterprise hears of it exactly once.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

import asyncpg
from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field

from shared.auth import Authenticator, Principal
from shared.db.unit_of_work import UnitsOfWork, units_of_work
from shared.health import add_health_route
from shared.http_app import service_app
from shared.paging import AUTH, Page, Paging, errors, paging

from ..adapters import applications, inspections
from ..adapters import summaries as summary_store
from ..adapters.views import bill_view, find_lists, list_view, stuck_lists
from ..domain.list_lifecycle import TransitionRefused
from ..service_layer import officer, summaries
from ..service_layer.declarations import Declarations


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


class ListSummary(BaseModel):
    id: int
    agent_code: str
    cop_no: str
    pre_no: str
    invt_no: str | None
    status: str
    waiting_for: str
    customs_code: str
    port_code: str
    ebc_code: str
    ebp_code: str
    order_no: str
    logistics_code: str
    logistics_no: str
    trade_mode: str
    bill_no: str | None
    version: int
    arrived_at: datetime | None
    decision: Any = None
    created_at: datetime
    updated_at: datetime


class StuckList(ListSummary):
    waiting_s: int = Field(description="seconds since the list last changed")


class InspectionTask(BaseModel):
    id: int
    priority: int = Field(description="lower is inspected first: B2B exports (9710, 9810) come first")
    rules: list[Any]
    opened_at: datetime
    agent_code: str
    cop_no: str
    invt_no: str | None
    trade_mode: str
    bill_no: str | None
    logistics_no: str
    ebc_code: str


class PendingApplication(BaseModel):
    id: int
    kind: Literal["cancellation", "modification", "review"]
    reason: str
    submitted_at: datetime
    guid: str
    agent_code: str
    cop_no: str
    invt_no: str | None
    list_status: str


class PendingSummary(BaseModel):
    sum_no: str
    agent_code: str
    cop_no: str
    ebc_code: str
    customs_code: str
    status: str
    created_at: datetime


def build_app(pool: asyncpg.Pool, health: Callable[[], dict], declarations: Declarations,
              units: UnitsOfWork | None = None, auth: Authenticator | None = None) -> FastAPI:
    auth = auth or Authenticator("open")
    units = units or units_of_work(pool)
    officer_only = auth.dependency("officer", acts=True)
    reader = auth.dependency("officer", "admin")
    app = service_app(title="cbec management operator API", version="2.0",
                      description="Export lists, master bills, customs decisions, the inspection queue and the "
                                  "applications waiting for an officer.")

    async def run(caller: Principal, action):
        """An officer's action in one unit of work with the receipts it causes; its outcome."""
        try:
            async with units() as uow:
                return await action(declarations.clearance(uow, actor=caller.name))
        except officer.NotFound as err:
            raise HTTPException(404, str(err)) from err
        except officer.ActionRefused as err:
            raise HTTPException(409, str(err)) from err
        except TransitionRefused as err:
            raise HTTPException(409, err.reason) from err

    async def act(caller: Principal, action) -> ActionOutcome:
        return ActionOutcome(**(await run(caller, action)).__dict__)

    add_health_route(app, health)

    @app.get("/lists/stuck", tags=["lists"], response_model=Page[StuckList], responses=errors(*AUTH, 422),
             summary="Lists stuck in a state (not ended, unchanged for longer than the threshold), oldest first")
    async def get_stuck_lists(olderThanMinutes: float = Query(60, ge=0, description="unchanged for longer than this"),
                              status: str | None = Query(None, description="one status (e.g. 120: waiting for its "
                                                                           "order and waybill); none: any"),
                              page: Paging = paging(50), caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            total, items = await stuck_lists(conn, older_than=timedelta(minutes=olderThanMinutes), status=status,
                                             offset=page.offset, limit=page.limit)
        return {"total": total, "items": items}

    @app.get("/lists/{agent_code}/{cop_no}", tags=["lists"], responses=errors(*AUTH, 404),
             summary="A list's current state, its versions and its full history (messages, decisions, receipts)")
    async def get_list(agent_code: str, cop_no: str, caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            view = await list_view(conn, agent_code, cop_no)
        if view is None:
            raise HTTPException(404, f"no list {cop_no} of agent {agent_code}")
        return view

    @app.get("/lists", tags=["lists"], summary="Find lists by any business key, newest first",
             response_model=Page[ListSummary], responses=errors(*AUTH, 422))
    async def search_lists(invt_no: str | None = Query(None, alias="invtNo"),
                           logistics_no: str | None = Query(None, alias="logisticsNo"),
                           order_no: str | None = Query(None, alias="orderNo"),
                           cop_no: str | None = Query(None, alias="copNo"),
                           bill_no: str | None = Query(None, alias="billNo"),
                           guid: str | None = Query(None, description="of any message about the list"),
                           status: str | None = None, page: Paging = paging(100),
                           caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            total, items = await find_lists(conn, {"invt_no": invt_no, "logistics_no": logistics_no,
                                                   "order_no": order_no, "cop_no": cop_no, "bill_no": bill_no,
                                                   "status": status, "guid": guid}, page.offset, page.limit)
        return {"total": total, "items": items}

    @app.get("/bills/{bill_no}", tags=["bills"], summary="A master bill with its parts and its lists",
             responses=errors(*AUTH, 404))
    async def get_bill(bill_no: str, caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            view = await bill_view(conn, bill_no)
        if view is None:
            raise HTTPException(404, f"no bill {bill_no}")
        return view

    @app.get("/inspections", tags=["inspection"], response_model=Page[InspectionTask], responses=errors(*AUTH, 422),
             summary="The open inspection queue: B2B exports (9710, 9810) first, then the oldest")
    async def get_inspections(b2b: bool | None = Query(None, description="only B2B exports (true) or only the "
                                                                         "others (false)"),
                              agentCode: str | None = None,
                              sort: Literal["priority", "oldest", "newest"] = "priority",
                              page: Paging = paging(100), caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            total, items = await inspections.queue(conn, b2b=b2b, agent_code=agentCode, sort=sort,
                                                   offset=page.offset, limit=page.limit)
        return {"total": total, "items": items}

    @app.post("/inspections/{task_id}/result", tags=["inspection"], response_model=ActionOutcome,
              responses=errors(*AUTH, 404, 409, 422),
              summary="Record an inspection's result: pass → released (800), fail → rejected (100)")
    async def post_inspection_result(task_id: int, body: InspectionResult, caller: Principal = officer_only) -> ActionOutcome:
        if body.result == "fail" and not body.finding.strip():
            raise HTTPException(422, "a failed inspection needs its finding")
        return await act(caller, lambda cl: officer.record_inspection(cl, task_id, body.result == "pass",
                                                                          body.finding))

    @app.get("/applications", tags=["applications"], response_model=Page[PendingApplication],
             responses=errors(*AUTH, 422),
             summary="Applications waiting for an officer: cancellations, modifications, manual reviews")
    async def get_applications(kind: Literal["cancellation", "modification", "review"] | None = None,
                               agentCode: str | None = None, sort: Literal["oldest", "newest"] = "oldest",
                               page: Paging = paging(100), caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            total, items = await applications.pending(conn, kind=kind, agent_code=agentCode, sort=sort,
                                                      offset=page.offset, limit=page.limit)
        return {"total": total, "items": items}

    @app.post("/applications/{application_id}/approve", tags=["applications"], response_model=ActionOutcome,
              responses=errors(*AUTH, 404, 409, 422))
    async def post_approve(application_id: int, body: Approval | None = None, caller: Principal = officer_only) -> ActionOutcome:
        return await act(caller, lambda cl: officer.approve(cl, application_id, body.note if body else ""))

    @app.post("/applications/{application_id}/refuse", tags=["applications"], response_model=ActionOutcome,
              responses=errors(*AUTH, 404, 409, 422))
    async def post_refuse(application_id: int, body: Refusal, caller: Principal = officer_only) -> ActionOutcome:
        return await act(caller, lambda cl: officer.refuse(cl, application_id, body.reason))

    @app.get("/summaries", tags=["summaries"], summary="Summary applications (CEB701) waiting for customs",
             response_model=Page[PendingSummary], responses=errors(*AUTH, 422))
    async def get_summaries(page: Paging = paging(100), caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            total, items = await summary_store.pending(conn, page.offset, page.limit)
        return {"total": total, "items": items}

    @app.get("/summaries/{sum_no}", tags=["summaries"], summary="A summary with the lists it covers and its result",
             responses=errors(*AUTH, 404))
    async def get_summary(sum_no: str, caller: Principal = reader) -> dict:
        async with pool.acquire() as conn:
            view = await summary_store.view(conn, sum_no)
        if view is None:
            raise HTTPException(404, f"no summary {sum_no}")
        return view

    @app.post("/summaries/{sum_no}/conclude", tags=["summaries"], responses=errors(*AUTH, 404, 409, 422),
              summary="Customs concludes a summary: CEB702 399, then the summary result CEB792")
    async def post_conclude_summary(sum_no: str, body: SummaryConclusion | None = None,
                                    caller: Principal = officer_only) -> dict:
        body = body or SummaryConclusion()
        return await run(caller, lambda cl: summaries.conclude(
            cl, sum_no, dec_state=body.decState, entry_id=body.entryId, note=body.note))

    @app.post("/summaries/{sum_no}/refuse", tags=["summaries"], summary="Customs refuses a summary: CEB702 100",
              responses=errors(*AUTH, 404, 409, 422))
    async def post_refuse_summary(sum_no: str, body: Refusal, caller: Principal = officer_only) -> dict:
        return await run(caller, lambda cl: summaries.refuse(cl, sum_no, body.reason))

    @app.get("/risk-rules", tags=["risk"], responses=errors(*AUTH),
             summary="The risk rules in force (edit the file named by MANAGEMENT_RISK_RULES)")
    async def get_risk_rules(caller: Principal = reader) -> dict:
        return declarations.rules.public()

    return app
