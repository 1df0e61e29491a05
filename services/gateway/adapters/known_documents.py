"""Orders and waybills the platform forwarded: what lists and payments are checked against."""
from __future__ import annotations

import json

import asyncpg

from shared.messages.model import Document

KINDS = {"CEB303": ("order", "ebpCode", "orderNo"), "CEB505": ("waybill", "logisticsCode", "logisticsNo")}


async def remember(conn: asyncpg.Connection, message_type: str, doc: Document) -> None:
    """Keep (appType 1 new, 2 change) or forget (appType 3 delete) an order or waybill."""
    kind, party, number = KINDS[message_type]
    if doc.get("appType") == "3":
        await conn.execute("DELETE FROM known_documents WHERE kind = $1 AND party_code = $2 AND number = $3",
                           kind, doc.get(party), doc.get(number))
        return
    await conn.execute(
        "INSERT INTO known_documents (kind, party_code, number, head, items) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (kind, party_code, number) DO UPDATE SET head = EXCLUDED.head, items = EXCLUDED.items, "
        "updated_at = now()",
        kind, doc.get(party), doc.get(number), json.dumps(doc.head), json.dumps(doc.items))


async def find(conn: asyncpg.Connection, kind: str, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Document]:
    if not keys:
        return {}
    parties, numbers = zip(*keys)
    rows = await conn.fetch(
        "SELECT k.party_code, k.number, k.head, k.items FROM known_documents k "
        "JOIN unnest($2::text[], $3::text[]) AS want(party_code, number) "
        "ON k.party_code = want.party_code AND k.number = want.number WHERE k.kind = $1",
        kind, list(parties), list(numbers))
    name = "Order" if kind == "order" else "Logistics"
    return {(r["party_code"], r["number"]): Document(name=name, head=json.loads(r["head"]), items=json.loads(r["items"]))
            for r in rows}
