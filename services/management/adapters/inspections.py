"""The inspection queue: one open task per list held for inspection, B2B exports first."""
from __future__ import annotations

import asyncpg


async def open_task(conn: asyncpg.Connection, list_id: int, priority: int, rules: list[str]) -> int:
    return await conn.fetchval("INSERT INTO inspections (list_id, priority, rules) VALUES ($1,$2,$3) RETURNING id",
                               list_id, priority, rules)


async def task(conn: asyncpg.Connection, task_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT id, list_id, priority, status, rules, finding, operator FROM inspections "
                               "WHERE id = $1 FOR UPDATE", task_id)


async def close(conn: asyncpg.Connection, task_id: int, status: str, finding: str, operator: str | None) -> None:
    await conn.execute("UPDATE inspections SET status = $2, finding = $3, operator = $4, closed_at = now() "
                       "WHERE id = $1", task_id, status, finding, operator)


async def withdraw_open(conn: asyncpg.Connection, list_id: int, why: str) -> None:
    await conn.execute("UPDATE inspections SET status = 'withdrawn', finding = $2, closed_at = now() "
                       "WHERE list_id = $1 AND status = 'open'", list_id, why)


async def queue(conn: asyncpg.Connection, limit: int = 100) -> list[dict]:
    rows = await conn.fetch(
        "SELECT i.id, i.priority, i.rules, i.opened_at, l.agent_code, l.cop_no, l.invt_no, l.trade_mode, "
        "l.bill_no, l.logistics_no, l.ebc_code FROM inspections i JOIN lists l ON l.id = i.list_id "
        "WHERE i.status = 'open' ORDER BY i.priority, i.id LIMIT $1", limit)
    return [dict(r) for r in rows]
