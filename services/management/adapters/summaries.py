"""Summary declarations (CEB701) and the lists each covers, in management's schema."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg


@dataclass
class StoredSummary:
    id: int
    agent_code: str
    cop_no: str
    sum_no: str
    pre_no: str
    ebc_code: str
    customs_code: str
    status: str
    declarant_dxp: str
    receipt_format: str
    head: dict
    result: dict | None


COLUMNS = ("id, agent_code, cop_no, sum_no, pre_no, ebc_code, customs_code, status, declarant_dxp, receipt_format, "
           "head, result")


async def next_serial(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT nextval('summary_no_seq')")


async def exists(conn: asyncpg.Connection, agent_code: str, cop_no: str) -> bool:
    return await conn.fetchval("SELECT true FROM summaries WHERE agent_code = $1 AND cop_no = $2",
                               agent_code, cop_no) is not None


async def by_sum_no(conn: asyncpg.Connection, sum_no: str, *, lock: bool = False) -> StoredSummary | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM summaries WHERE sum_no = $1" + (" FOR UPDATE" if lock else ""),
                            sum_no)
    return StoredSummary(**dict(r)) if r else None


async def summarised_in(conn: asyncpg.Connection, list_ids: list[int]) -> dict[int, str]:
    """list id -> sumNo of the live summary already covering it."""
    rows = await conn.fetch("SELECT sl.list_id, s.sum_no FROM summary_lists sl JOIN summaries s ON s.id = sl.summary_id "
                            "WHERE sl.list_id = ANY($1::bigint[])", list_ids)
    return {r["list_id"]: r["sum_no"] for r in rows}


async def lists_in_period(conn: asyncpg.Connection, ebc_code: str, customs_code: str, start: datetime,
                          end: datetime) -> list[int]:
    """Closed summary-declaration (statisticsFlag B) lists of the seller declared in the period, not yet summarised."""
    rows = await conn.fetch(
        "SELECT id FROM lists WHERE ebc_code = $1 AND customs_code = $2 AND status = '899' "
        "AND head->>'statisticsFlag' = 'B' AND created_at BETWEEN $3 AND $4 "
        "AND id NOT IN (SELECT list_id FROM summary_lists) ORDER BY id FOR UPDATE",
        ebc_code, customs_code, start, end)
    return [r["id"] for r in rows]


async def insert(conn: asyncpg.Connection, *, head: dict, sum_no: str, pre_no: str, declarant_dxp: str,
                 receipt_format: str, list_ids: list[int]) -> int:
    summary_id = await conn.fetchval(
        "INSERT INTO summaries (agent_code, cop_no, sum_no, pre_no, ebc_code, customs_code, status, declarant_dxp, "
        "receipt_format, head) VALUES ($1,$2,$3,$4,$5,$6,'3',$7,$8,$9) RETURNING id",
        head.get("agentCode", ""), head.get("copNo", ""), sum_no, pre_no, head.get("ebcCode", ""),
        head.get("customsCode", ""), declarant_dxp, receipt_format, head)
    await conn.executemany("INSERT INTO summary_lists (list_id, summary_id) VALUES ($1, $2)",
                           [(list_id, summary_id) for list_id in list_ids])
    return summary_id


async def list_ids_of(conn: asyncpg.Connection, summary_id: int) -> list[int]:
    rows = await conn.fetch("SELECT list_id FROM summary_lists WHERE summary_id = $1 ORDER BY list_id", summary_id)
    return [r["list_id"] for r in rows]


async def decide(conn: asyncpg.Connection, summary_id: int, status: str, by: str, result: dict) -> None:
    await conn.execute("UPDATE summaries SET status = $2, decided_by = $3, result = $4, updated_at = now() "
                       "WHERE id = $1", summary_id, status, by, result)
    if status == "100":  # a refused summary lets its lists go
        await conn.execute("DELETE FROM summary_lists WHERE summary_id = $1", summary_id)


async def view(conn: asyncpg.Connection, sum_no: str) -> dict | None:
    row = await conn.fetchrow("SELECT id, agent_code, cop_no, sum_no, pre_no, ebc_code, customs_code, status, "
                              "decided_by, result, head, created_at, updated_at FROM summaries WHERE sum_no = $1", sum_no)
    if row is None:
        return None
    rows = await conn.fetch("SELECT l.cop_no, l.invt_no, l.status FROM summary_lists sl JOIN lists l ON l.id = sl.list_id "
                            "WHERE sl.summary_id = $1 ORDER BY l.id", row["id"])
    return {**dict(row), "lists": [dict(r) for r in rows]}


async def pending(conn: asyncpg.Connection, offset: int = 0, limit: int = 100) -> tuple[int, list[dict]]:
    """How many summaries wait for customs, and a page of them, oldest first."""
    total = await conn.fetchval("SELECT count(*) FROM summaries WHERE status = '3'")
    rows = await conn.fetch("SELECT sum_no, agent_code, cop_no, ebc_code, customs_code, status, created_at "
                            "FROM summaries WHERE status = '3' ORDER BY id OFFSET $1 LIMIT $2", offset, limit)
    return total, [dict(r) for r in rows]
