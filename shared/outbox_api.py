"""``/outbox/parked`` on every service's API: the outbox rows the broker refused for good, with the
reason, and a way to send one again once its cause is fixed (``shared.db.outbox``)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import asyncpg
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from shared.auth import Authenticator, Principal
from shared.db import outbox
from shared.paging import AUTH, Page, Paging, errors, paging

log = logging.getLogger(__name__)


class Redriven(BaseModel):
    redriven: int


def add_outbox_routes(app: FastAPI, pool: asyncpg.Pool, wake_relay: Callable[[], None], auth: Authenticator) -> None:
    """Officers and admins see the parked rows; an officer (the credential's holder) redrives one."""
    reader = auth.dependency("officer", "admin")
    officer = auth.dependency("officer", "admin", acts=True)

    @app.get("/outbox/parked", tags=["service"], response_model=Page[outbox.ParkedRow], responses=errors(*AUTH, 422),
             summary="Outbox rows the broker refused for good, oldest first, with the reason")
    async def list_parked(page: Paging = paging(100), caller: Principal = reader) -> dict[str, Any]:
        async with pool.acquire() as conn:
            return {"total": await outbox.parked_count(conn),
                    "items": [asdict(r) for r in await outbox.parked(conn, page.limit, page.offset)]}

    @app.post("/outbox/parked/{row_id}/redrive", tags=["service"], response_model=Redriven,
              responses=errors(*AUTH, 404), summary="Put a parked row back in the outbox")
    async def redrive_parked(row_id: int, caller: Principal = officer) -> dict[str, Any]:
        async with pool.acquire() as conn, conn.transaction():
            if not await outbox.redrive(conn, row_id):
                raise HTTPException(404, f"no parked outbox row {row_id}")
        log.warning("parked outbox row %s sent again by %s", row_id, caller.name)
        wake_relay()
        return {"redriven": row_id}
