"""Notification's API: an enterprise's receipts with their delivery status per channel, its
webhook subscription and deliveries (redelivery), and replay of its receipts to its topic.

An enterprise's bearer token reaches only its own DXP id (receipts, webhook, deliveries); officers
reach every enterprise and alone may replay (shared/auth.py). The actor recorded is the credential's."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import asyncpg
from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field

from shared.auth import Authenticator, Principal, require_own
from shared.db.unit_of_work import UnitsOfWork, units_of_work
from shared.health import add_health_route
from shared.http_app import service_app
from shared.paging import AUTH, Page, Paging, errors, paging
from shared.sealing import Sealer

from ..adapters import receipt_store, webhook_store
from ..domain.receipt_rendering import ReceiptRenderer
from ..domain.webhook_targets import TargetPolicy
from ..service_layer import subscriptions
from ..service_layer.replay import replay
from ..settings import NotificationSettings
from .views import delivery_view, history_view, subscription_view


class WebhookRequest(BaseModel):
    url: str
    secret: str | None = Field(default=None, min_length=16, max_length=256)


class ReplayRequest(BaseModel):
    since: datetime
    until: datetime | None = None


class ReceiptRecord(BaseModel):
    seq: int = Field(description="its place in the enterprise's receipts (the cursor of `after`)")
    receiptId: str
    messageType: str | None
    businessKey: str | None
    guid: str | None
    returnStatus: str | None
    fields: Any
    issuedAt: str | None
    issuedBy: str | None
    traceId: str | None
    format: str | None
    channels: dict[str, Any] = Field(description="kafka: status, queuedAt; webhook: the delivery or null")


class DeliveryRecord(BaseModel):
    deliveryId: int
    receiptId: str
    messageType: str | None
    businessKey: str | None
    guid: str | None
    returnStatus: str | None
    format: str | None
    status: str
    attempts: int
    nextAttemptAt: str | None
    waitingBehindEarlier: bool
    lastError: str | None
    lastHttpStatus: int | None
    createdAt: str | None
    deliveredAt: str | None
    parkedAt: str | None
    redelivered: Any = None
    redeliveredBy: str | None = None


class ReplayRecord(BaseModel):
    replayId: int
    since: str
    until: str | None
    operator: str
    receipts: int
    requestedAt: str


def build_app(pool: asyncpg.Pool, health: Callable[[], dict], settings: NotificationSettings | None = None,
              renderer: ReceiptRenderer | None = None, *, units: UnitsOfWork | None = None,
              wake_dispatcher: Callable[[], None] = lambda: None, auth: Authenticator | None = None,
              targets: TargetPolicy | None = None, sealer: Sealer | None = None) -> FastAPI:
    auth = auth or (Authenticator.from_settings(settings) if settings is not None else Authenticator("open"))
    party = auth.dependency("enterprise", "officer")
    officer_only = auth.dependency("officer", acts=True)
    app = service_app(title="cbec notification API", version="1.0",
                      description="Receipts delivered to enterprises (history, delivery status per channel), "
                                  "webhook subscriptions and redelivery, replay.")
    renderer = renderer or ReceiptRenderer()
    units = units or units_of_work(pool)

    add_health_route(app, health)

    @app.get("/enterprises/{dxp_id}/receipts", response_model=Page[ReceiptRecord], responses=errors(*AUTH, 422),
             summary="An enterprise's receipts in the order they were queued, with each channel's delivery")
    async def receipts(dxp_id: str, businessKey: str | None = None, guid: str | None = None,
                       since: datetime | None = None, until: datetime | None = None,
                       after: int | None = Query(default=None, description="seq of the last receipt of the previous page"),
                       page: Paging = paging(200, 5000), caller: Principal = party) -> dict:
        require_own(caller, dxp_id)
        async with pool.acquire() as conn:
            total, rows = await receipt_store.history(conn, dxp_id, business_key=businessKey, guid=guid, since=since,
                                                      until=until, after=after, limit=page.limit, offset=page.offset)
        return {"total": total, "items": [history_view(r) for r in rows]}

    @app.put("/enterprises/{dxp_id}/webhook", status_code=201, responses=errors(*AUTH, 404, 422))
    async def put_webhook(dxp_id: str, body: WebhookRequest, caller: Principal = party) -> dict:
        require_own(caller, dxp_id)
        async with pool.acquire() as conn:
            known = await receipt_store.is_registered(conn, dxp_id)
        if not known:
            raise HTTPException(404, f"no registered enterprise with DXP id {dxp_id}")
        try:
            sub, secret = await subscriptions.subscribe(units, dxp_id, body.url, body.secret, targets, sealer)
        except subscriptions.InvalidEndpoint as exc:
            raise HTTPException(422, str(exc)) from exc
        return {**subscription_view(sub), "secret": secret}

    @app.get("/enterprises/{dxp_id}/webhook", responses=errors(*AUTH, 404))
    async def get_webhook(dxp_id: str, caller: Principal = party) -> dict:
        require_own(caller, dxp_id)
        async with pool.acquire() as conn:
            sub = await webhook_store.subscription(conn, dxp_id)
            if sub is None:
                raise HTTPException(404, f"{dxp_id} has no webhook")
            return {**subscription_view(sub), "deliveries": await webhook_store.counts(conn, dxp_id)}

    @app.delete("/enterprises/{dxp_id}/webhook", responses=errors(*AUTH, 404))
    async def delete_webhook(dxp_id: str, caller: Principal = party) -> dict:
        require_own(caller, dxp_id)
        cancelled = await subscriptions.unsubscribe(units, dxp_id)
        if cancelled is None:
            raise HTTPException(404, f"{dxp_id} has no webhook")
        return {"dxpId": dxp_id, "active": False, "cancelledDeliveries": cancelled}

    @app.get("/enterprises/{dxp_id}/webhook/deliveries", response_model=Page[DeliveryRecord],
             responses=errors(*AUTH, 422), summary="An enterprise's webhook deliveries, oldest first")
    async def get_deliveries(dxp_id: str, status: str | None = None,
                             after: int | None = Query(default=None, description="deliveryId of the last one of the "
                                                                                 "previous page"),
                             page: Paging = paging(200, 5000), caller: Principal = party) -> dict:
        require_own(caller, dxp_id)
        async with pool.acquire() as conn:
            total, rows = await webhook_store.deliveries(conn, dxp_id, status, after, page.limit, page.offset)
        return {"total": total, "items": [delivery_view(r) for r in rows]}

    @app.post("/enterprises/{dxp_id}/webhook/deliveries/redeliver", responses=errors(*AUTH))
    async def redeliver_parked(dxp_id: str, caller: Principal = party) -> dict:
        require_own(caller, dxp_id)
        async with pool.acquire() as conn:
            ids = await webhook_store.redeliver(conn, dxp_id, None, caller.name)
        wake_dispatcher()
        return {"dxpId": dxp_id, "redelivered": ids, "count": len(ids)}

    @app.post("/enterprises/{dxp_id}/webhook/deliveries/{delivery_id}/redeliver", responses=errors(*AUTH, 409))
    async def redeliver_one(dxp_id: str, delivery_id: int, caller: Principal = party) -> dict:
        require_own(caller, dxp_id)
        async with pool.acquire() as conn:
            ids = await webhook_store.redeliver(conn, dxp_id, delivery_id, caller.name)
        if not ids:
            raise HTTPException(409, f"delivery {delivery_id} of {dxp_id} does not exist or is still pending")
        wake_dispatcher()
        return {"dxpId": dxp_id, "redelivered": ids, "count": len(ids)}

    @app.post("/enterprises/{dxp_id}/replay", status_code=202, responses=errors(*AUTH, 422, 503))
    async def post_replay(dxp_id: str, body: ReplayRequest, caller: Principal = officer_only) -> dict:
        x_operator = caller.name
        if settings is None:
            raise HTTPException(503, "replay is not configured")
        done = await replay(units, settings, renderer, dxp_id, since=body.since,
                            until=body.until, operator=x_operator)
        return {"dxpId": dxp_id, "replayId": done.replay_id, "receipts": done.receipts,
                "since": body.since.isoformat(), "operator": x_operator}

    @app.get("/enterprises/{dxp_id}/replays", response_model=Page[ReplayRecord], responses=errors(*AUTH, 422),
             summary="The replays of an enterprise's receipts, newest first")
    async def get_replays(dxp_id: str, page: Paging = paging(100), caller: Principal = party) -> dict:
        require_own(caller, dxp_id)
        async with pool.acquire() as conn:
            total, rows = await receipt_store.replays(conn, dxp_id, page.offset, page.limit)
        return {"total": total, "items": [{"replayId": r["id"], "since": r["since"].isoformat(),
                 "until": r["until"].isoformat() if r["until"] else None, "operator": r["operator"],
                 "receipts": r["receipts"], "requestedAt": r["requested_at"].isoformat()} for r in rows]}

    return app
