"""Applications waiting for an officer: cancellations, modifications, manual reviews."""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg


@dataclass
class Application:
    id: int
    list_id: int
    kind: str
    status: str
    guid: str
    head: dict
    items: list
    pre_no: str
    applicant_dxp: str
    receipt_format: str
    trace_id: str
    reason: str


COLUMNS = "id, list_id, kind, status, guid, head, items, pre_no, applicant_dxp, receipt_format, trace_id, reason"


async def submit(conn: asyncpg.Connection, *, list_id: int, kind: str, guid: str = "", head: dict | None = None,
                 items: list | None = None, pre_no: str = "", applicant_dxp: str = "", receipt_format: str = "xml",
                 trace_id: str = "", reason: str = "") -> int:
    return await conn.fetchval(
        "INSERT INTO applications (list_id, kind, guid, head, items, pre_no, applicant_dxp, receipt_format, trace_id, "
        "reason) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id",
        list_id, kind, guid, head or {}, items or [], pre_no, applicant_dxp, receipt_format, trace_id, reason)


async def by_id(conn: asyncpg.Connection, application_id: int) -> Application | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM applications WHERE id = $1 FOR UPDATE", application_id)
    return Application(**dict(r)) if r else None


async def pending_for(conn: asyncpg.Connection, list_id: int, kind: str) -> Application | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM applications WHERE list_id = $1 AND kind = $2 "
                            "AND status = 'pending' FOR UPDATE", list_id, kind)
    return Application(**dict(r)) if r else None


async def decide(conn: asyncpg.Connection, application_id: int, status: str, by: str, note: str) -> None:
    await conn.execute("UPDATE applications SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4 "
                       "WHERE id = $1", application_id, status, by, note)


PENDING_ORDER = {"oldest": "a.id", "newest": "a.id DESC"}


async def pending(conn: asyncpg.Connection, *, kind: str | None = None, agent_code: str | None = None,
                  sort: str = "oldest", offset: int = 0, limit: int = 100) -> tuple[int, list[dict]]:
    """How many applications wait for an officer (of the kind asked), and a page of them."""
    where, args = ["a.status = 'pending'"], []
    for column, value in (("a.kind", kind), ("l.agent_code", agent_code)):
        if value:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    joined = f"FROM applications a JOIN lists l ON l.id = a.list_id WHERE {' AND '.join(where)}"
    total = await conn.fetchval(f"SELECT count(*) {joined}", *args)
    rows = await conn.fetch(
        "SELECT a.id, a.kind, a.reason, a.submitted_at, a.guid, l.agent_code, l.cop_no, l.invt_no, "
        f"l.status AS list_status {joined} ORDER BY {PENDING_ORDER[sort]} "
        f"OFFSET ${len(args) + 1} LIMIT ${len(args) + 2}", *args, offset, limit)
    return total, [dict(r) for r in rows]
