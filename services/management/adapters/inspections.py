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


B2B = ("9710", "9810")  # the B2B export trade modes, inspected first
QUEUE_ORDER = {"priority": "i.priority, i.id", "oldest": "i.id", "newest": "i.id DESC"}


async def queue(conn: asyncpg.Connection, *, b2b: bool | None = None, agent_code: str | None = None,
                sort: str = "priority", offset: int = 0, limit: int = 100) -> tuple[int, list[dict]]:
    """How many inspections are open (of the kind asked), and a page of them: by default B2B exports
    first, then in the order they were opened."""
    where, args = ["i.status = 'open'"], []
    if b2b is not None:
        args.append(list(B2B))
        where.append(f"{'' if b2b else 'NOT '}(l.trade_mode = ANY(${len(args)}::text[]))")
    if agent_code:
        args.append(agent_code)
        where.append(f"l.agent_code = ${len(args)}")
    joined = f"FROM inspections i JOIN lists l ON l.id = i.list_id WHERE {' AND '.join(where)}"
    total = await conn.fetchval(f"SELECT count(*) {joined}", *args)
    rows = await conn.fetch(
        "SELECT i.id, i.priority, i.rules, i.opened_at, l.agent_code, l.cop_no, l.invt_no, l.trade_mode, "
        f"l.bill_no, l.logistics_no, l.ebc_code {joined} ORDER BY {QUEUE_ORDER[sort]} "
        f"OFFSET ${len(args) + 1} LIMIT ${len(args) + 2}", *args, offset, limit)
    return total, [dict(r) for r in rows]
