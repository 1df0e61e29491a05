"""Orders (CEB303) the platform forwarded: what payment receipts are checked against (2123)."""
from __future__ import annotations

import json

import asyncpg

from shared.messages.model import Document


async def remember_order(conn: asyncpg.Connection, doc: Document) -> None:
    """Keep (appType 1 new, 2 change) or forget (appType 3 delete) an order."""
    if doc.get("appType") == "3":
        await conn.execute("DELETE FROM known_documents WHERE kind = 'order' AND party_code = $1 AND number = $2",
                           doc.get("ebpCode"), doc.get("orderNo"))
        return
    await conn.execute(
        "INSERT INTO known_documents (kind, party_code, number, head, items) VALUES ('order', $1, $2, $3, $4) "
        "ON CONFLICT (kind, party_code, number) DO UPDATE SET head = EXCLUDED.head, items = EXCLUDED.items, "
        "updated_at = now()",
        doc.get("ebpCode"), doc.get("orderNo"), json.dumps(doc.head), json.dumps(doc.items))


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
