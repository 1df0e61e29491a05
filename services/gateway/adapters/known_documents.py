"""Orders (CEB303) the platform forwarded: what payment receipts are checked against (2123)."""
from __future__ import annotations

import json

import asyncpg

from shared.messages.model import Document


async def remember_orders(conn: asyncpg.Connection, orders: dict[tuple[str, str], Document | None]) -> None:
    """Keep (appType 1 new, 2 change) or forget (None: appType 3 delete) orders by (ebpCode,
    orderNo), what a batch ended with, in one statement each (head and items are kept as JSON text, as they always were)."""
    gone = [key for key, doc in orders.items() if doc is None]
    kept = [(key, doc) for key, doc in orders.items() if doc is not None]
    if gone:
        await conn.execute(
            "DELETE FROM known_documents k USING unnest($1::text[], $2::text[]) AS g(party_code, number) "
            "WHERE k.kind = 'order' AND k.party_code = g.party_code AND k.number = g.number",
            [p for p, _ in gone], [n for _, n in gone])
    if kept:
        await conn.execute(
            "INSERT INTO known_documents (kind, party_code, number, head, items) "
            "SELECT 'order', u.p, u.n, to_jsonb(u.h), to_jsonb(u.i) FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) "
            "AS u(p, n, h, i) "
            "ON CONFLICT (kind, party_code, number) DO UPDATE SET head = EXCLUDED.head, items = EXCLUDED.items, "
            "updated_at = now()",
            [p for (p, _), _ in kept], [n for (_, n), _ in kept],
            [json.dumps(d.head) for _, d in kept], [json.dumps(d.items) for _, d in kept])


async def find_orders(conn: asyncpg.Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Document]:
    """Orders by (ebpCode, orderNo)."""
    if not keys:
        return {}
    parties, numbers = zip(*keys)
    rows = await conn.fetch(
        "SELECT k.party_code, k.number, k.head, k.items FROM known_documents k "
        "JOIN unnest($1::text[], $2::text[]) AS want(party_code, number) "
        "ON k.party_code = want.party_code AND k.number = want.number WHERE k.kind = 'order'",
        list(parties), list(numbers))
    return {(r["party_code"], r["number"]): Document(name="Order", head=json.loads(r["head"]), items=json.loads(r["items"]))
            for r in rows}
