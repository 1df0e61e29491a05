"""Read models of the operator API: a list's timeline, a bill with its lists, searches."""
from __future__ import annotations

from datetime import timedelta

import asyncpg

from ..domain.list_lifecycle import TERMINAL, S

# what the stuck-lists queue leaves out: states nothing more is waited for in (a return waits for its tally)
ENDED = TERMINAL - {S.RETURNING}

LIST_FIELDS = ("id, agent_code, cop_no, pre_no, invt_no, status, waiting_for, customs_code, port_code, ebc_code, "
               "ebp_code, order_no, logistics_code, logistics_no, trade_mode, bill_no, version, "
               "arrived_at, decision, created_at, updated_at")


async def list_view(conn: asyncpg.Connection, agent_code: str, cop_no: str) -> dict | None:
    row = await conn.fetchrow(f"SELECT {LIST_FIELDS}, head, items FROM lists WHERE agent_code = $1 AND cop_no = $2 "
                              "ORDER BY id DESC LIMIT 1", agent_code, cop_no)
    if row is None:
        return None
    list_id = row["id"]
    history = await conn.fetch("SELECT event, status, detail, actor, at FROM list_history WHERE list_id = $1 "
                               "ORDER BY id", list_id)
    versions = await conn.fetch("SELECT version, head, items, replaced_at, replaced_by FROM list_versions "
                                "WHERE list_id = $1 ORDER BY version", list_id)
    apps = await conn.fetch("SELECT id, kind, status, reason, submitted_at, decided_by, decided_at, decision_note "
                            "FROM applications WHERE list_id = $1 ORDER BY id", list_id)
    tasks = await conn.fetch("SELECT id, priority, status, rules, opened_at, finding, operator, closed_at "
                             "FROM inspections WHERE list_id = $1 ORDER BY id", list_id)
    earlier = await conn.fetch("SELECT id, invt_no, status, created_at FROM lists WHERE agent_code = $1 AND cop_no = $2 "
                               "AND id <> $3 ORDER BY id", agent_code, cop_no, list_id)
    return {**dict(row), "history": [dict(h) for h in history], "versions": [dict(v) for v in versions],
            "applications": [dict(a) for a in apps], "inspections": [dict(t) for t in tasks],
            "earlier_declarations": [dict(e) for e in earlier]}


async def bill_view(conn: asyncpg.Connection, bill_no: str) -> dict | None:
    bill = await conn.fetchrow("SELECT bill_no, cop_no, agent_code, customs_code, status, created_at, "
                               "updated_at FROM bills WHERE bill_no = $1", bill_no)
    if bill is None:
        return None
    revisions = await conn.fetch("SELECT revision, guid, app_type, received_at FROM bill_revisions WHERE bill_no = $1 "
                                 "ORDER BY revision", bill_no)
    rows = await conn.fetch("SELECT cop_no, invt_no, logistics_no, status, waiting_for, arrived_at "
                            "FROM lists WHERE bill_no = $1 ORDER BY id", bill_no)
    return {**dict(bill), "revisions": [dict(r) for r in revisions], "lists": [dict(r) for r in rows]}


SEARCHABLE = ("invt_no", "logistics_no", "order_no", "cop_no", "bill_no", "status")


async def find_lists(conn: asyncpg.Connection, criteria: dict[str, str | None], offset: int,
                     limit: int) -> tuple[int, list[dict]]:
    """How many lists match, and a page of them, newest first."""
    where, args = [], []
    for name in SEARCHABLE:
        if criteria.get(name):
            args.append(criteria[name])
            where.append(f"{name} = ${len(args)}")
    if criteria.get("guid"):
        args.append(criteria["guid"])
        where.append(f"(head->>'guid' = ${len(args)} OR id IN (SELECT list_id FROM list_history "
                     f"WHERE detail->>'guid' = ${len(args)}))")
    condition = " WHERE " + " AND ".join(where) if where else ""
    total = await conn.fetchval(f"SELECT count(*) FROM lists{condition}", *args)
    sql = (f"SELECT {LIST_FIELDS} FROM lists{condition} ORDER BY id DESC "
           f"OFFSET ${len(args) + 1} LIMIT ${len(args) + 2}")
    return total, [dict(r) for r in await conn.fetch(sql, *args, offset, limit)]


async def stuck_lists(conn: asyncpg.Connection, *, older_than: timedelta, status: str | None, offset: int,
                      limit: int) -> tuple[int, list[dict]]:
    """Lists not in an end state that have not changed for longer than ``older_than`` (of one
    status, or any), oldest first, each with how long it has been waiting."""
    args: list = [older_than, sorted(s.value for s in ENDED)]
    where = "updated_at < now() - $1::interval AND NOT (status = ANY($2::text[]))"
    if status:
        args.append(status)
        where += f" AND status = ${len(args)}"
    total = await conn.fetchval(f"SELECT count(*) FROM lists WHERE {where}", *args)
    rows = await conn.fetch(f"SELECT {LIST_FIELDS}, extract(epoch FROM now() - updated_at)::bigint AS waiting_s "
                            f"FROM lists WHERE {where} ORDER BY updated_at, id "
                            f"OFFSET ${len(args) + 1} LIMIT ${len(args) + 2}", *args, offset, limit)
    return total, [dict(r) for r in rows]
