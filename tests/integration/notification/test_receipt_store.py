"""Receipts and deliveries written as one JSON document per batch store what was given, exactly."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import asyncpg
import pytest

from services.notification.adapters import receipt_store
from services.notification.adapters.receipt_store import KafkaDelivery
from shared.contracts import ReceiptIssued, Recipient
from shared.db.migrator import apply_migrations
from shared.db.pool import create_pool


@pytest.fixture
async def pool(database_url):
    schema = f"n_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(database_url)
    await apply_migrations(conn, schema, "services.notification.migrations")
    await conn.close()
    pool = await create_pool(database_url, schema, min_size=1, max_size=2)
    yield pool
    await pool.close()


def _receipt(issued_at: datetime, **fields: str) -> ReceiptIssued:
    return ReceiptIssued(receipt_id=str(uuid.uuid4()), message_type="CEB604", business_key='AG"1\\中',
                         fields={"guid": "G-1", "returnStatus": "120", **fields},
                         recipients=[Recipient(dxp_id="DXPENT0000000001")], issued_at=issued_at,
                         issued_by="management", trace_id="t\u00e9")


async def test_stores_values_times_and_text_as_given(pool):
    china = timezone(timedelta(hours=8))
    receipts = [
        _receipt(datetime(2026, 11, 28, 12, 0, 0, 123456, tzinfo=UTC), returnInfo="[Code:0000;Desc:ok]"),
        _receipt(datetime(2026, 11, 28, 20, 0, 0, 1, tzinfo=china), returnInfo='收货人 "x" <y> & \\ \t\n😀'),
        _receipt(datetime(2026, 11, 28, 12, 0, 0), returnInfo=""),  # no offset: UTC, as asyncpg took it
    ]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SET TIME ZONE 'America/New_York'")  # the session's zone does not matter
        fresh = await receipt_store.record_receipts(conn, receipts)
        assert fresh == {r.receipt_id for r in receipts}
        assert await receipt_store.record_receipts(conn, receipts[:1]) == set()  # a copy is dropped
        ids = [uuid.uuid4() for _ in receipts]
        await receipt_store.record_kafka_deliveries(
            conn, [KafkaDelivery(r.receipt_id, "DXPENT0000000001", "json", mid) for r, mid in zip(receipts, ids)])
        rows = {str(r["receipt_id"]): r for r in await conn.fetch(
            "SELECT r.*, d.format, d.message_id, d.status, d.channel FROM receipts r JOIN deliveries d USING (receipt_id) "
            "ORDER BY d.seq")}
    assert list(rows) == [r.receipt_id for r in receipts]
    for r, mid in zip(receipts, ids):
        row = rows[r.receipt_id]
        expected_at = r.issued_at if r.issued_at.tzinfo else r.issued_at.replace(tzinfo=UTC)
        assert row["issued_at"] == expected_at
        assert row["fields"] == r.fields
        assert (row["message_type"], row["business_key"], row["guid"], row["return_status"], row["issued_by"],
                row["trace_id"]) == (r.message_type, r.business_key, "G-1", "120", r.issued_by, r.trace_id)
        assert (row["format"], row["message_id"], row["status"], row["channel"]) == ("json", mid, "queued", "kafka")
