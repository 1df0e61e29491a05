"""The orders and waybills a list's audit compares it with, as one unit of work knows them.

A wave of new documents reads all it needs in one query per kind (``load``) and adds the ones it
stores (``orders``/``waybills``); what is not known is read when the audit asks for it, so one
document handled on its own reads its order and waybill then, as they are at that moment.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from ..adapters import trade_documents as documents
from ..domain.audit import TradeDocument

Key = tuple[str, str]


@dataclass
class KnownDocuments:
    orders: dict[Key, TradeDocument | None] = field(default_factory=dict)  # None: known to be absent
    waybills: dict[Key, TradeDocument | None] = field(default_factory=dict)

    async def load(self, conn: asyncpg.Connection, order_keys: set[Key], waybill_keys: set[Key]) -> None:
        self.orders.update(await documents.orders(conn, order_keys - self.orders.keys()))
        self.waybills.update(await documents.waybills(conn, waybill_keys - self.waybills.keys()))

    async def order(self, conn: asyncpg.Connection, key: Key) -> TradeDocument | None:
        if key in self.orders:
            return self.orders[key]
        return await documents.order(conn, *key)

    async def waybill(self, conn: asyncpg.Connection, key: Key) -> TradeDocument | None:
        if key in self.waybills:
            return self.waybills[key]
        return await documents.waybill(conn, *key)
