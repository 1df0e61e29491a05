"""Retention: inbox rows, dead letters and ended webhook deliveries older than the retention are
pruned; newer ones, and parked deliveries, stay."""
from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import pytest

from services.notification.bootstrap import FINISHED_WEBHOOK_DELIVERIES
from shared.db.migrator import apply_migrations
from shared.db.pool import create_pool
from shared.db.retention import COMMON, prune

pytestmark = pytest.mark.integration


async def test_old_rows_are_pruned_and_recent_or_open_ones_kept(database_url):
    schema = f"r_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    await apply_migrations(conn, schema, "services.notification.migrations")
    await conn.close()
    pool = await create_pool(database_url, schema, min_size=1, max_size=2)
    try:
        async with pool.acquire() as c:
            await c.execute("INSERT INTO inbox (consumer, message_id, processed_at) VALUES "
                            "('c', 'old', now() - interval '40 days'), ('c', 'new', now())")
            await c.execute("INSERT INTO dead_letters (consumer, topic, partition, \"offset\", reason, created_at) "
                            "VALUES ('c', 't', 0, 1, 'r', now() - interval '40 days'), ('c', 't', 0, 2, 'r', now())")
            rid = uuid.uuid4()
            await c.execute("INSERT INTO receipts (receipt_id, message_type, business_key, guid, return_status, "
                            "fields, issued_at, issued_by) VALUES ($1, 'CEB604', 'K', 'G', '2', '{}'::jsonb, now(), 'x')",
                            rid)
            for dxp, status in (("DXPA", "delivered"), ("DXPB", "parked"), ("DXPC", "cancelled")):
                await c.execute("INSERT INTO webhook_deliveries (receipt_id, dxp_id, business_key, format, status, "
                                "created_at, delivered_at) VALUES ($1, $2, 'K', 'xml', $3, now() - interval '40 days', "
                                "CASE WHEN $3 = 'delivered' THEN now() - interval '40 days' END)", rid, dxp, status)
        removed = await prune(pool, (*COMMON, FINISHED_WEBHOOK_DELIVERIES), timedelta(days=30))
        assert removed == {"inbox": 1, "dead_letters": 1, "webhook_deliveries": 2, "revoked_credentials": 0}
        async with pool.acquire() as c:
            assert await c.fetchval("SELECT array_agg(message_id) FROM inbox") == ["new"]
            assert await c.fetchval("SELECT array_agg(status) FROM webhook_deliveries") == ["parked"]
    finally:
        await pool.close()
