"""Orders (CEB303), payment receipts (CEB403) and waybills (CEB505), as the audit reads them."""
from __future__ import annotations

import asyncpg
from pydantic_core import to_json

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


def _json(value: object) -> str:
    """JSON text for a jsonb parameter (pydantic's encoder: several times faster than json.dumps)."""
    return to_json(value).decode()


# --- set-based: one statement for many documents (a consumer batch's new documents) ---------------
def _pairs(keys) -> tuple[list[str], list[str]]:
    keys = list(keys)
    return [a for a, _ in keys], [b for _, b in keys]


async def orders(conn: asyncpg.Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], TradeDocument | None]:
    """The order of each (ebpCode, orderNo); None where there is none."""
    found: dict[tuple[str, str], TradeDocument | None] = dict.fromkeys(keys)
    if keys:
        for r in await conn.fetch("SELECT ebp_code, order_no, head, items FROM orders WHERE (ebp_code, order_no) IN "
                                  "(SELECT * FROM unnest($1::text[], $2::text[]))", *_pairs(keys)):
            found[(r["ebp_code"], r["order_no"])] = TradeDocument(r["head"], r["items"])
    return found


async def waybills(conn: asyncpg.Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], TradeDocument | None]:
    """The waybill of each (logisticsCode, logisticsNo); None where there is none."""
    found: dict[tuple[str, str], TradeDocument | None] = dict.fromkeys(keys)
    if keys:
        for r in await conn.fetch("SELECT logistics_code, logistics_no, head FROM waybills WHERE "
                                  "(logistics_code, logistics_no) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
                                  *_pairs(keys)):
            found[(r["logistics_code"], r["logistics_no"])] = TradeDocument(r["head"])
    return found


async def payments(conn: asyncpg.Connection, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (ebcCode, orderNo) have a payment receipt."""
    if not keys:
        return set()
    rows = await conn.fetch("SELECT ebc_code, order_no FROM payments WHERE (ebc_code, order_no) IN "
                            "(SELECT * FROM unnest($1::text[], $2::text[]))", *_pairs(keys))
    return {(r["ebc_code"], r["order_no"]) for r in rows}


async def insert_orders(conn: asyncpg.Connection, rows: list[tuple[dict, list, str]]) -> None:
    """New orders (head, items, declarant DXP id) whose keys are known to be free (one JSON document)."""
    if not rows:
        return
    await conn.execute(
        "INSERT INTO orders (ebp_code, order_no, ebc_code, guid, head, items, declarant_dxp) "
        "SELECT a, b, c, g, h, i, x FROM ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS (a text, b text, c text, "
        "g text, h jsonb, i jsonb, x text)) WITH ORDINALITY AS t(a, b, c, g, h, i, x, n) ORDER BY n",
        _json([{"a": h.get("ebpCode", ""), "b": h.get("orderNo", ""), "c": h.get("ebcCode", ""), "g": h.get("guid", ""),
                "h": h, "i": i, "x": x} for h, i, x in rows]))


async def insert_waybills(conn: asyncpg.Connection, rows: list[tuple[dict, str]]) -> None:
    if not rows:
        return
    await conn.execute(
        "INSERT INTO waybills (logistics_code, logistics_no, guid, head, declarant_dxp) "
        "SELECT a, b, g, h, x FROM ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS (a text, b text, g text, h jsonb, "
        "x text)) WITH ORDINALITY AS t(a, b, g, h, x, n) ORDER BY n",
        _json([{"a": h.get("logisticsCode", ""), "b": h.get("logisticsNo", ""), "g": h.get("guid", ""), "h": h, "x": x}
               for h, x in rows]))


async def insert_payments(conn: asyncpg.Connection, rows: list[tuple[dict, str]]) -> None:
    if not rows:
        return
    await conn.execute(
        "INSERT INTO payments (ebc_code, order_no, guid, head, declarant_dxp) "
        "SELECT a, b, g, h, x FROM ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS (a text, b text, g text, h jsonb, "
        "x text)) WITH ORDINALITY AS t(a, b, g, h, x, n) ORDER BY n",
        _json([{"a": h.get("ebcCode", ""), "b": h.get("orderNo", ""), "g": h.get("guid", ""), "h": h, "x": x}
               for h, x in rows]))
