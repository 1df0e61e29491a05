"""Management's operator API: what customs knows about lists and bills."""
from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import FastAPI, HTTPException, Response


def build_app(pool: asyncpg.Pool, health: Callable[[], dict]) -> FastAPI:
    app = FastAPI(title="cbec management operator API", version="1.0",
                  description="Export lists, master bills and customs decisions.")

    @app.get("/health")
    async def get_health(response: Response) -> dict:
        state = health()
        if not state["ok"]:
            response.status_code = 503
        return state

    @app.get("/lists/{agent_code}/{cop_no}")
    async def get_list(agent_code: str, cop_no: str) -> dict:
        async with pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT id, agent_code, cop_no, pre_no, invt_no, status, bill_no, logistics_no, trade_mode, "
                "created_at, updated_at FROM lists WHERE agent_code = $1 AND cop_no = $2 ORDER BY id DESC LIMIT 1",
                agent_code, cop_no)
            if row is None:
                raise HTTPException(status_code=404, detail=f"no list {cop_no} of agent {agent_code}")
            history = await conn.fetch("SELECT event, status, detail, actor, at FROM list_history "
                                       "WHERE list_id = $1 ORDER BY id", row["id"])
        return {**dict(row), "history": [dict(h) for h in history]}

    @app.get("/bills/{bill_no}")
    async def get_bill(bill_no: str) -> dict:
        async with pool.acquire() as conn:
            bill = await conn.fetchrow("SELECT bill_no, cop_no, agent_code, status, created_at, updated_at "
                                       "FROM bills WHERE bill_no = $1", bill_no)
            if bill is None:
                raise HTTPException(status_code=404, detail=f"no bill {bill_no}")
            rows = await conn.fetch("SELECT cop_no, invt_no, logistics_no, status FROM lists WHERE bill_no = $1 "
                                    "ORDER BY id", bill_no)
        return {**dict(bill), "lists": [dict(r) for r in rows]}

    return app
