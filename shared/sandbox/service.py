"""What every service runs in the sandbox: it follows the shared clock, releases the receipts held
back whose time has come, and answers ``/sandbox/clock`` and ``/sandbox/held``."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import asyncpg
from fastapi import FastAPI, Query
from pydantic import BaseModel, Field

from shared import clock
from shared.auth import Authenticator, Principal
from shared.db.unit_of_work import UnitOfWork
from shared.kafka.consumer import TRANSIENT
from shared.retry import TransientRetry

from . import store

log = logging.getLogger(__name__)

FOLLOW_S = 0.25  # how often a service reads the shared clock (another service may have moved it)


class ClockMove(BaseModel):
    advance_s: float = Field(ge=0, le=10 * 365 * 86400, description="seconds to move the sandbox clock forward")


def clock_view() -> dict[str, Any]:
    return {"now": clock.now().isoformat(), "offset_s": clock.offset_s()}


class SandboxService:
    def __init__(self, service: str, pool: asyncpg.Pool, wake_relay: Callable[[], None]) -> None:
        self.service = service
        self.pool = pool
        self.wake_relay = wake_relay
        self.released = 0

    async def prepare(self) -> None:
        async with self.pool.acquire() as conn:
            await store.prepare(conn)
            clock.set_offset(await store.offset(conn))
        log.warning("%s: SANDBOX mode (CBEC_SANDBOX=1): outcomes are scripted, the clock may be moved; "
                    "never for real traffic", self.service)

    async def step(self) -> int:
        """Read the clock; publish the held receipts that are due. How many were released."""
        async with UnitOfWork(pool=self.pool, wake=self.wake_relay) as uow:
            clock.set_offset(await store.offset(uow.conn))
            due = await store.release_due(uow.conn, self.service, clock.now())
            uow.emit_all(due)
        self.released += len(due)
        return len(due)

    async def run(self, max_failures: int = 20) -> None:
        retry = TransientRetry("sandbox", max_failures)
        while True:
            try:
                await self.step()
                retry.succeeded()
            except TRANSIENT as exc:
                retry.failed(exc)  # it follows the clock every FOLLOW_S anyway
            await asyncio.sleep(FOLLOW_S)

    def add_routes(self, app: FastAPI, auth: Authenticator) -> None:
        reader = auth.dependency("officer", "admin", "enterprise")
        mover = auth.dependency("officer", "admin")

        @app.get("/sandbox/clock", tags=["sandbox"])
        async def read_clock(caller: Principal = reader) -> dict[str, Any]:
            return clock_view()

        @app.post("/sandbox/clock", tags=["sandbox"])
        async def move_clock(move: ClockMove, caller: Principal = mover) -> dict[str, Any]:
            """Move the clock of every service of the stack forward (deadlines, summary periods, returnTime)."""
            async with self.pool.acquire() as conn:
                clock.set_offset(await store.advance(conn, move.advance_s))
            log.warning("sandbox: clock moved forward %gs by %s (offset now %gs)", move.advance_s, caller.name,
                        clock.offset_s())
            await self.step()
            return clock_view()

        @app.get("/sandbox/held", tags=["sandbox"])
        async def held_receipts(offset: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=1000),
                                caller: Principal = reader) -> dict[str, Any]:
            """Receipts the sandbox holds back (delay, reorder), with when they go."""
            async with self.pool.acquire() as conn:
                total, items = await store.held(conn, offset, limit)
            return {"total": total, "items": items}
