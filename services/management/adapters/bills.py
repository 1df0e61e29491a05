"""Master/sub bills (CEB607) and their revisions in management's schema."""
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
    declarant_dxp: str
    receipt_format: str
    head: dict


async def by_bill_no(conn: asyncpg.Connection, bill_no: str) -> StoredBill | None:
    r = await conn.fetchrow("SELECT bill_no, cop_no, agent_code, customs_code, status, declarant_dxp, "
                            "receipt_format, head FROM bills WHERE bill_no = $1 FOR UPDATE", bill_no)
    return StoredBill(**dict(r)) if r else None


async def save(conn: asyncpg.Connection, head: dict, items: list, guid: str, declarant_dxp: str,
               receipt_format: str) -> int:
    """Store the bill (or its amendment) and keep the message as a revision; returns the revision."""
    await conn.execute(
        "INSERT INTO bills (bill_no, cop_no, agent_code, logistics_code, customs_code, status, declarant_dxp, "
        "receipt_format, head) VALUES ($1,$2,$3,$4,$5,'120',$6,$7,$8) ON CONFLICT (bill_no) DO UPDATE "
        "SET cop_no = EXCLUDED.cop_no, head = EXCLUDED.head, updated_at = now()",
        head.get("billNo", ""), head.get("copNo", ""), head.get("agentCode", ""), head.get("logisticsCode", ""),
        head.get("customsCode", ""), declarant_dxp, receipt_format, head,
    )
    return await conn.fetchval(
        "INSERT INTO bill_revisions (bill_no, revision, guid, app_type, head, items) SELECT $1, "
        "coalesce(max(revision), 0) + 1, $2, $3, $4, $5 FROM bill_revisions WHERE bill_no = $1 RETURNING revision",
        head.get("billNo", ""), guid, head.get("appType", "1"), head, items)


async def set_status(conn: asyncpg.Connection, bill_no: str, status: str) -> None:
    await conn.execute("UPDATE bills SET status = $2, updated_at = now() WHERE bill_no = $1", bill_no, status)


async def parts_received(conn: asyncpg.Connection, bill_no: str) -> set[str]:
    """The msgSeqNo of every appType 1 message of the bill (parts the gateway forwarded one by one)."""
    rows = await conn.fetch("SELECT head->>'msgSeqNo' AS seq FROM bill_revisions WHERE bill_no = $1 AND app_type = '1'",
                            bill_no)
    return {r["seq"] or "1" for r in rows}
