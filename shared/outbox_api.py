"""``/outbox/parked`` on every service's API: the outbox rows the broker refused for good, with the
reason, and a way to send one again once its cause is fixed (``shared.db.outbox``)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict

import asyncpg
from fastapi import FastAPI, HTTPException, Query

from shared.auth import Authenticator, Principal
from shared.db import outbox

log = logging.getLogger(__name__)


def add_outbox_routes(app: FastAPI, pool: asyncpg.Pool, wake: Callable[[], None], auth: Authenticator) -> None:
    """Officers and admins see the parked rows; an officer (the credential's holder) redrives one."""
    reader = auth.dependency("officer", "admin")
    officer = auth.dependency("officer", "admin", acts=True)

    @app.get("/outbox/parked", tags=["service"])
    async def list_parked(limit: int = Query(100, ge=1, le=1000), caller: Principal = reader) -> list[dict]:
        async with pool.acquire() as conn:
            return [asdict(r) for r in await outbox.parked(conn, limit)]

    @app.post("/outbox/parked/{row_id}/redrive", tags=["service"])
    async def redrive_parked(row_id: int, caller: Principal = officer) -> dict:
        async with pool.acquire() as conn, conn.transaction():
            if not await outbox.redrive(conn, row_id):
                raise HTTPException(404, f"no parked outbox row {row_id}")
        log.warning("parked outbox row %s sent again by %s", row_id, caller.name)
        wake()
        return {"redriven": row_id}
