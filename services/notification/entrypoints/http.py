"""Notification's API: an enterprise's receipts and their delivery status."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import asyncpg
from fastapi import FastAPI, Query, Response


def build_app(pool: asyncpg.Pool, health: Callable[[], dict]) -> FastAPI:
    app = FastAPI(title="cbec notification API", version="1.0",
                  description="Receipts delivered to enterprises, by business key, guid or time.")

    @app.get("/health")
    async def get_health(response: Response) -> dict:
        state = health()
        if not state["ok"]:
            response.status_code = 503
        return state

    @app.get("/enterprises/{dxp_id}/receipts")
    async def receipts(dxp_id: str, businessKey: str | None = None, guid: str | None = None,
                       since: datetime | None = None, until: datetime | None = None,
                       limit: int = Query(default=200, le=5000)) -> list[dict]:
        async with pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT r.receipt_id, r.message_type, r.business_key, r.guid, r.return_status, r.fields, "
                "r.issued_at, r.issued_by, d.channel, d.format, d.status, d.queued_at "
                "FROM deliveries d JOIN receipts r USING (receipt_id) WHERE d.dxp_id = $1 "
                "AND ($2::text IS NULL OR r.business_key = $2) AND ($3::text IS NULL OR r.guid = $3) "
                "AND ($4::timestamptz IS NULL OR r.issued_at >= $4) AND ($5::timestamptz IS NULL OR r.issued_at < $5) "
                "ORDER BY d.queued_at, r.issued_at LIMIT $6",
                dxp_id, businessKey, guid, since, until, limit)
        return [dict(r) for r in rows]

    return app
