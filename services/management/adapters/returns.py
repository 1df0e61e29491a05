"""Returns of exported goods (CEB213) and their tallies (CEB215) in management's schema."""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg


@dataclass
class StoredReturn:
    id: int
    agent_code: str
    co_el_no: str
    list_id: int
    status: str
    pre_no: str
    logistics_code: str
    logistics_no: str
    declarant_dxp: str
    receipt_format: str
    head: dict
    items: list


COLUMNS = ("id, agent_code, co_el_no, list_id, status, pre_no, logistics_code, logistics_no, declarant_dxp, "
           "receipt_format, head, items")


async def exists(conn: asyncpg.Connection, agent_code: str, co_el_no: str) -> bool:
    return await conn.fetchval("SELECT true FROM returns WHERE agent_code = $1 AND co_el_no = $2",
                               agent_code, co_el_no) is not None


async def of_list(conn: asyncpg.Connection, list_id: int) -> list[StoredReturn]:
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM returns WHERE list_id = $1 ORDER BY id", list_id)
    return [StoredReturn(**dict(r)) for r in rows]


async def waiting_for_package(conn: asyncpg.Connection, logistics_code: str, logistics_no: str) -> StoredReturn | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM returns WHERE logistics_code = $1 AND logistics_no = $2 "
                            "AND status = '120' ORDER BY id LIMIT 1 FOR UPDATE", logistics_code, logistics_no)
    return StoredReturn(**dict(r)) if r else None


async def insert(conn: asyncpg.Connection, *, list_id: int, head: dict, items: list, pre_no: str, declarant_dxp: str,
                 receipt_format: str) -> int:
    return await conn.fetchval(
        "INSERT INTO returns (agent_code, co_el_no, list_id, status, pre_no, logistics_code, logistics_no, "
        "declarant_dxp, receipt_format, head, items) VALUES ($1,$2,$3,'120',$4,$5,$6,$7,$8,$9,$10) RETURNING id",
        head.get("agentCode", ""), head.get("coElNo", ""), list_id, pre_no, head.get("logisticsCode", ""),
        head.get("logisticsNo", ""), declarant_dxp, receipt_format, head, items)


async def tallied(conn: asyncpg.Connection, return_id: int, tally: dict) -> None:
    await conn.execute("UPDATE returns SET status = '800', tally = $2, updated_at = now() WHERE id = $1",
                       return_id, tally)
