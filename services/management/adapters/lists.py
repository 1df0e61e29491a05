"""Lists, bills and their history in management's schema."""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg


@dataclass
class StoredList:
    id: int
    agent_code: str
    cop_no: str
    pre_no: str
    invt_no: str
    status: str
    logistics_no: str
    bill_no: str | None
    declarant_dxp: str
    receipt_format: str
    head: dict
    items: list


COLUMNS = ("id, agent_code, cop_no, pre_no, invt_no, status, logistics_no, bill_no, declarant_dxp, "
           "receipt_format, head, items")


def _row(r: asyncpg.Record) -> StoredList:
    return StoredList(**dict(r))


async def live_by_business_key(conn: asyncpg.Connection, agent_code: str, cop_no: str) -> StoredList | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM lists WHERE agent_code = $1 AND cop_no = $2 "
                            "AND status <> 'cancelled' FOR UPDATE", agent_code, cop_no)
    return _row(r) if r else None


async def by_invt_no(conn: asyncpg.Connection, invt_no: str) -> StoredList | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM lists WHERE invt_no = $1 FOR UPDATE", invt_no)
    return _row(r) if r else None


async def live_by_logistics_no(conn: asyncpg.Connection, logistics_no: str) -> StoredList | None:
    r = await conn.fetchrow(f"SELECT {COLUMNS} FROM lists WHERE logistics_no = $1 AND status <> 'cancelled' "
                            "ORDER BY id DESC LIMIT 1 FOR UPDATE", logistics_no)
    return _row(r) if r else None


async def of_bill(conn: asyncpg.Connection, bill_no: str) -> list[StoredList]:
    rows = await conn.fetch(f"SELECT {COLUMNS} FROM lists WHERE bill_no = $1 ORDER BY id FOR UPDATE", bill_no)
    return [_row(r) for r in rows]


async def insert(conn: asyncpg.Connection, *, head: dict, items: list, pre_no: str, invt_no: str, status: str,
                 declarant_dxp: str, receipt_format: str) -> int:
    return await conn.fetchval(
        "INSERT INTO lists (agent_code, cop_no, pre_no, invt_no, status, customs_code, port_code, ebc_code, "
        "ebp_code, logistics_code, logistics_no, order_no, trade_mode, bill_no, declarant_dxp, receipt_format, "
        "head, items) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,NULLIF($14,''),$15,$16,$17,$18) RETURNING id",
        head.get("agentCode", ""), head.get("copNo", ""), pre_no, invt_no, status, head.get("customsCode", ""),
        head.get("portCode", ""), head.get("ebcCode", ""), head.get("ebpCode", ""), head.get("logisticsCode", ""),
        head.get("logisticsNo", ""), head.get("orderNo", ""), head.get("tradeMode", ""), head.get("billNo", ""),
        declarant_dxp, receipt_format, head, items,
    )


async def set_status(conn: asyncpg.Connection, list_id: int, status: str) -> None:
    await conn.execute("UPDATE lists SET status = $2, updated_at = now() WHERE id = $1", list_id, status)


async def bind_to_bill(conn: asyncpg.Connection, list_id: int, bill_no: str) -> None:
    await conn.execute("UPDATE lists SET bill_no = $2, updated_at = now() WHERE id = $1", list_id, bill_no)


async def add_history(conn: asyncpg.Connection, list_id: int, event: str, status: str, detail: dict,
                      actor: str = "system") -> None:
    await conn.execute("INSERT INTO list_history (list_id, event, status, detail, actor) VALUES ($1,$2,$3,$4,$5)",
                       list_id, event, status, detail, actor)


async def next_invt_serial(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT nextval('invt_no_seq')")


async def upsert_bill(conn: asyncpg.Connection, head: dict, declarant_dxp: str, receipt_format: str) -> None:
    await conn.execute(
        "INSERT INTO bills (bill_no, cop_no, agent_code, logistics_code, customs_code, status, declarant_dxp, "
        "receipt_format, head) VALUES ($1,$2,$3,$4,$5,'120',$6,$7,$8) ON CONFLICT (bill_no) DO UPDATE SET "
        "cop_no = EXCLUDED.cop_no, head = EXCLUDED.head, updated_at = now()",
        head.get("billNo", ""), head.get("copNo", ""), head.get("agentCode", ""), head.get("logisticsCode", ""),
        head.get("customsCode", ""), declarant_dxp, receipt_format, head,
    )


async def bill_exists(conn: asyncpg.Connection, bill_no: str) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM bills WHERE bill_no = $1", bill_no))


async def set_bill_status(conn: asyncpg.Connection, bill_no: str, status: str) -> None:
    await conn.execute("UPDATE bills SET status = $2, updated_at = now() WHERE bill_no = $1", bill_no, status)
