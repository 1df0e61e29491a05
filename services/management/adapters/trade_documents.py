"""Orders (CEB303), payment receipts (CEB403) and waybills (CEB505), as the audit reads them."""
from __future__ import annotations

import asyncpg

from ..domain.audit import TradeDocument


async def order(conn: asyncpg.Connection, ebp_code: str, order_no: str) -> TradeDocument | None:
    r = await conn.fetchrow("SELECT head, items FROM orders WHERE ebp_code = $1 AND order_no = $2", ebp_code, order_no)
    return TradeDocument(r["head"], r["items"]) if r else None


async def waybill(conn: asyncpg.Connection, logistics_code: str, logistics_no: str) -> TradeDocument | None:
    r = await conn.fetchrow("SELECT head FROM waybills WHERE logistics_code = $1 AND logistics_no = $2",
                            logistics_code, logistics_no)
    return TradeDocument(r["head"]) if r else None


async def save_order(conn: asyncpg.Connection, head: dict, items: list, dxp: str, replace: bool) -> bool:
    """Store a new order (False if its key exists) or replace one (False if it does not)."""
    if replace:
        done = await conn.execute("UPDATE orders SET head = $3, items = $4, guid = $5, ebc_code = $6, updated_at = now() "
                                  "WHERE ebp_code = $1 AND order_no = $2", head.get("ebpCode", ""),
                                  head.get("orderNo", ""), head, items, head.get("guid", ""), head.get("ebcCode", ""))
        return done.endswith(" 1")
    return bool(await conn.fetchval(
        "INSERT INTO orders (ebp_code, order_no, ebc_code, guid, head, items, declarant_dxp) VALUES ($1,$2,$3,$4,$5,$6,$7) "
        "ON CONFLICT DO NOTHING RETURNING 1", head.get("ebpCode", ""), head.get("orderNo", ""), head.get("ebcCode", ""),
        head.get("guid", ""), head, items, dxp))


async def save_waybill(conn: asyncpg.Connection, head: dict, dxp: str, replace: bool) -> bool:
    if replace:
        done = await conn.execute("UPDATE waybills SET head = $3, guid = $4, updated_at = now() "
                                  "WHERE logistics_code = $1 AND logistics_no = $2", head.get("logisticsCode", ""),
                                  head.get("logisticsNo", ""), head, head.get("guid", ""))
        return done.endswith(" 1")
    return bool(await conn.fetchval(
        "INSERT INTO waybills (logistics_code, logistics_no, guid, head, declarant_dxp) VALUES ($1,$2,$3,$4,$5) "
        "ON CONFLICT DO NOTHING RETURNING 1", head.get("logisticsCode", ""), head.get("logisticsNo", ""),
        head.get("guid", ""), head, dxp))


async def save_payment(conn: asyncpg.Connection, head: dict, dxp: str, replace: bool) -> bool:
    if replace:
        done = await conn.execute("UPDATE payments SET head = $3, guid = $4, updated_at = now() "
                                  "WHERE ebc_code = $1 AND order_no = $2", head.get("ebcCode", ""),
                                  head.get("orderNo", ""), head, head.get("guid", ""))
        return done.endswith(" 1")
    return bool(await conn.fetchval(
        "INSERT INTO payments (ebc_code, order_no, guid, head, declarant_dxp) VALUES ($1,$2,$3,$4,$5) "
        "ON CONFLICT DO NOTHING RETURNING 1", head.get("ebcCode", ""), head.get("orderNo", ""),
        head.get("guid", ""), head, dxp))
