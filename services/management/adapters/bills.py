"""Master/sub bills (CEB607) and their parts in management's schema."""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg


@dataclass
class StoredBill:
    bill_no: str
    cop_no: str
    agent_code: str
    customs_code: str
    status: str
    msg_count: int
    declarant_dxp: str
    receipt_format: str
    head: dict


async def by_bill_no(conn: asyncpg.Connection, bill_no: str) -> StoredBill | None:
    r = await conn.fetchrow("SELECT bill_no, cop_no, agent_code, customs_code, status, msg_count, declarant_dxp, "
                            "receipt_format, head FROM bills WHERE bill_no = $1 FOR UPDATE", bill_no)
    return StoredBill(**dict(r)) if r else None


async def upsert(conn: asyncpg.Connection, head: dict, msg_count: int, declarant_dxp: str, receipt_format: str) -> None:
    await conn.execute(
        "INSERT INTO bills (bill_no, cop_no, agent_code, logistics_code, customs_code, status, declarant_dxp, "
        "receipt_format, head, msg_count) VALUES ($1,$2,$3,$4,$5,'120',$6,$7,$8,$9) ON CONFLICT (bill_no) DO UPDATE "
        "SET cop_no = EXCLUDED.cop_no, head = EXCLUDED.head, msg_count = EXCLUDED.msg_count, updated_at = now()",
        head.get("billNo", ""), head.get("copNo", ""), head.get("agentCode", ""), head.get("logisticsCode", ""),
        head.get("customsCode", ""), declarant_dxp, receipt_format, head, msg_count,
    )


async def parts(conn: asyncpg.Connection, bill_no: str) -> list[int]:
    return [r["msg_seq_no"] for r in await conn.fetch(
        "SELECT msg_seq_no FROM bill_parts WHERE bill_no = $1 ORDER BY msg_seq_no", bill_no)]


async def save_part(conn: asyncpg.Connection, bill_no: str, seq: int, guid: str, head: dict, items: list) -> None:
    await conn.execute(
        "INSERT INTO bill_parts (bill_no, msg_seq_no, guid, head, items) VALUES ($1,$2,$3,$4,$5) "
        "ON CONFLICT (bill_no, msg_seq_no) DO UPDATE SET guid = EXCLUDED.guid, head = EXCLUDED.head, "
        "items = EXCLUDED.items, received_at = now()", bill_no, seq, guid, head, items)


async def set_status(conn: asyncpg.Connection, bill_no: str, status: str) -> None:
    await conn.execute("UPDATE bills SET status = $2, updated_at = now() WHERE bill_no = $1", bill_no, status)
