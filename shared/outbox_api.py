"""``/outbox/parked`` on every service's API: the outbox rows the broker refused for good, with the
reason, and a way to send one again once its cause is fixed (``shared.db.outbox``)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict

import asyncpg
from fastapi import FastAPI, Header, HTTPException, Query

from shared.db import outbox

log = logging.getLogger(__name__)


def add_outbox_routes(app: FastAPI, pool: asyncpg.Pool, wake: Callable[[], None]) -> None:
    @app.get("/outbox/parked", tags=["service"])
    async def list_parked(limit: int = Query(100, ge=1, le=1000)) -> list[dict]:
        async with pool.acquire() as conn:
            return [asdict(r) for r in await outbox.parked(conn, limit)]

    @app.post("/outbox/parked/{row_id}/redrive", tags=["service"])
    async def redrive_parked(row_id: int,
                             operator: str = Header(..., alias="X-Operator", min_length=1, max_length=100)) -> dict:
        async with pool.acquire() as conn, conn.transaction():
            if not await outbox.redrive(conn, row_id):
                raise HTTPException(404, f"no parked outbox row {row_id}")
        log.warning("parked outbox row %s sent again by %s", row_id, operator)
        wake()
        return {"redriven": row_id}
