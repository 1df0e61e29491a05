"""Webhook subscriptions and deliveries in notification's schema.

A delivery is ``pending`` until its endpoint answers 2xx (``delivered``) or it has failed the
allowed number of attempts (``parked``); removing the subscription ``cancel``s what is pending.
A claimed delivery stays ``pending`` with ``claimed_until`` set past the attempt's end (a lease):
if the process dies mid-attempt the delivery becomes due again by itself when the lease ends.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from .receipt_store import rows_json


@dataclass(frozen=True)
class Subscription:
    dxp_id: str
    url: str
    active: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DueDelivery:
    id: int
    receipt_id: str
    dxp_id: str
    business_key: str
    format: str
    attempts: int
    url: str
    secret: str
    message_type: str
    fields: dict
    trace_id: str = ""


async def subscribe(conn: asyncpg.Connection, dxp_id: str, url: str, secret: str) -> Subscription:
    row = await conn.fetchrow(
        "INSERT INTO webhook_subscriptions (dxp_id, url, secret, active) VALUES ($1, $2, $3, true) "
        "ON CONFLICT (dxp_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, active = true, "
        "updated_at = now() RETURNING dxp_id, url, active, created_at, updated_at", dxp_id, url, secret)
    return Subscription(**dict(row))


async def subscription(conn: asyncpg.Connection, dxp_id: str) -> Subscription | None:
    row = await conn.fetchrow("SELECT dxp_id, url, active, created_at, updated_at FROM webhook_subscriptions "
                              "WHERE dxp_id = $1 AND active", dxp_id)
    return Subscription(**dict(row)) if row else None


async def unsubscribe(conn: asyncpg.Connection, dxp_id: str) -> int | None:
    """Deactivate; cancel what is pending. ``None`` when there was no subscription."""
    found = await conn.fetchval("UPDATE webhook_subscriptions SET active = false, updated_at = now() "
                                "WHERE dxp_id = $1 AND active RETURNING true", dxp_id)
    if not found:
        return None
    status = await conn.execute("UPDATE webhook_deliveries SET status = 'cancelled' "
                                "WHERE dxp_id = $1 AND status = 'pending'", dxp_id)
    return int(status.split()[-1])


async def subscribed(conn: asyncpg.Connection, dxp_ids: set[str]) -> set[str]:
    if not dxp_ids:
        return set()
    rows = await conn.fetch("SELECT dxp_id FROM webhook_subscriptions WHERE active AND dxp_id = ANY($1::text[])",
                            list(dxp_ids))
    return {r["dxp_id"] for r in rows}


async def queue(conn: asyncpg.Connection, rows: list[tuple[str, str, str, str]]) -> None:
    """Queue deliveries ``(receipt_id, dxp_id, business_key, format)`` in this order.

    A delivery with an earlier one of the same enterprise and business key still open waits
    (``next_attempt_at`` = infinity, so polling never scans it) until that one is delivered
    (:func:`delivered` wakes the next in line) — a dead endpoint's backlog costs nothing per poll."""
    if not rows:
        return
    inserted = await conn.fetch(
        "INSERT INTO webhook_deliveries (receipt_id, dxp_id, business_key, format) "
        "SELECT id, dxp, bk, fmt FROM ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS "
        "(id uuid, dxp text, bk text, fmt text)) WITH ORDINALITY AS t(id, dxp, bk, fmt, n) "
        "ORDER BY n ON CONFLICT DO NOTHING RETURNING id",
        rows_json([{"id": r[0], "dxp": r[1], "bk": r[2], "fmt": r[3]} for r in rows]))
    await conn.execute(
        "UPDATE webhook_deliveries d SET next_attempt_at = 'infinity' WHERE d.id = ANY($1::bigint[]) "
        "AND EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.dxp_id = d.dxp_id "
        "AND e.business_key = d.business_key AND e.id < d.id AND e.status IN ('pending', 'parked'))",
        [r["id"] for r in inserted])


async def schedule_unblocked(conn: asyncpg.Connection) -> int:
    """Schedule (now) the waiting deliveries with nothing open before them any more (a safety net
    for a wake-up lost to a race between queueing and delivering; the dispatcher runs it every few
    seconds)."""
    status = await conn.execute(
        "UPDATE webhook_deliveries d SET next_attempt_at = now() "
        "WHERE d.status = 'pending' AND d.next_attempt_at = 'infinity' "
        "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.dxp_id = d.dxp_id "
        "AND e.business_key = d.business_key AND e.id < d.id AND e.status IN ('pending', 'parked'))")
    return int(status.split()[-1])


# Due, subscribed, and first in line for its business key (nothing earlier of the same enterprise
# and key is still pending or parked): a business key's receipts reach the endpoint in order.
CANDIDATES_SQL = """
SELECT id, dxp_id FROM (
    SELECT d.id, d.dxp_id, d.next_attempt_at,
           row_number() OVER (PARTITION BY d.dxp_id ORDER BY d.next_attempt_at, d.id) AS n
    FROM webhook_deliveries d
    JOIN webhook_subscriptions s ON s.dxp_id = d.dxp_id AND s.active
    WHERE d.status = 'pending' AND d.next_attempt_at <= now()
      AND (d.claimed_until IS NULL OR d.claimed_until < now())
      AND NOT (d.dxp_id = ANY($1::text[]))
      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                      WHERE e.dxp_id = d.dxp_id AND e.business_key = d.business_key AND e.id < d.id
                        AND e.status IN ('pending', 'parked'))
) c WHERE n <= $2 ORDER BY next_attempt_at, id LIMIT $3
"""

CLAIM_SQL = """
WITH locked AS (
    SELECT id FROM webhook_deliveries
    WHERE id = ANY($1::bigint[]) AND status = 'pending' AND next_attempt_at <= now()
      AND (claimed_until IS NULL OR claimed_until < now())
    FOR UPDATE SKIP LOCKED
)
UPDATE webhook_deliveries d SET claimed_until = now() + make_interval(secs => $2)
FROM locked, receipts r, webhook_subscriptions s
WHERE d.id = locked.id AND r.receipt_id = d.receipt_id AND s.dxp_id = d.dxp_id AND s.active
RETURNING d.id, d.receipt_id, d.dxp_id, d.business_key, d.format, d.attempts, s.url, s.secret,
          r.message_type, r.fields, r.trace_id
"""


async def candidates(conn: asyncpg.Connection, busy: list[str], per_enterprise: int, limit: int) -> list[tuple[int, str]]:
    """Due deliveries, at most ``per_enterprise`` per enterprise, skipping enterprises in ``busy``."""
    rows = await conn.fetch(CANDIDATES_SQL, busy, per_enterprise, limit)
    return [(r["id"], r["dxp_id"]) for r in rows]


async def claim(conn: asyncpg.Connection, ids: list[int], lease_s: float) -> list[DueDelivery]:
    if not ids:
        return []
    rows = await conn.fetch(CLAIM_SQL, ids, lease_s)
    out = [DueDelivery(**{**dict(r), "receipt_id": str(r["receipt_id"])}) for r in rows]
    return sorted(out, key=lambda d: d.id)


async def delivered(conn: asyncpg.Connection, d: DueDelivery, http_status: int) -> None:
    """Record the delivery and wake the next receipt of its business key."""
    async with conn.transaction():
        done = await conn.fetchval(
            "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = now(), "
            "last_http_status = $2, last_error = NULL, claimed_until = NULL WHERE id = $1 AND status = 'pending' "
            "RETURNING true", d.id, http_status)
        if done:
            await conn.execute(
                "UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = ("
                " SELECT id FROM webhook_deliveries WHERE dxp_id = $1 AND business_key = $2 AND id > $3"
                " AND status = 'pending' ORDER BY id LIMIT 1) AND next_attempt_at = 'infinity'",
                d.dxp_id, d.business_key, d.id)


async def endpoint_recovered(conn: asyncpg.Connection, dxp_id: str) -> int:
    """The endpoint answered again after failures: its deliveries waiting out a back-off are due now
    (not minutes later, when each one's own back-off would end)."""
    status = await conn.execute(
        "UPDATE webhook_deliveries SET next_attempt_at = now() WHERE dxp_id = $1 AND status = 'pending' "
        "AND attempts > 0 AND next_attempt_at > now() AND next_attempt_at < 'infinity' "
        "AND (claimed_until IS NULL OR claimed_until < now())", dxp_id)
    return int(status.split()[-1])


async def failed(conn: asyncpg.Connection, delivery_id: int, error: str, http_status: int | None,
                 retry_in_s: float | None) -> None:
    """Record a failed attempt: due again in ``retry_in_s`` seconds, or parked when ``None``."""
    await conn.execute(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = $2, last_http_status = $3, "
        "claimed_until = NULL, "
        "status = CASE WHEN $4::float8 IS NULL THEN 'parked' ELSE status END, "
        "parked_at = CASE WHEN $4::float8 IS NULL THEN now() ELSE parked_at END, "
        "next_attempt_at = CASE WHEN $4::float8 IS NULL THEN next_attempt_at "
        "ELSE now() + make_interval(secs => $4::float8) END "
        "WHERE id = $1 AND status = 'pending'", delivery_id, error[:2000], http_status, retry_in_s)


async def redeliver(conn: asyncpg.Connection, dxp_id: str, delivery_id: int | None, operator: str) -> list[int]:
    """Make deliveries due again with a fresh set of attempts: one (any final state) or every parked one."""
    rows = await conn.fetch(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), claimed_until = NULL, "
        "parked_at = NULL, redelivered = redelivered + 1, redelivered_by = $3 "
        "WHERE dxp_id = $1 AND (CASE WHEN $2::bigint IS NULL THEN status = 'parked' "
        "ELSE id = $2 AND status IN ('parked', 'delivered', 'cancelled') END) RETURNING id",
        dxp_id, delivery_id, operator)
    return sorted(r["id"] for r in rows)


async def deliveries(conn: asyncpg.Connection, dxp_id: str, status: str | None, after: int | None,
                     limit: int, offset: int = 0) -> tuple[int, list[asyncpg.Record]]:
    """How many webhook deliveries of an enterprise there are (of a status), and a page of them,
    oldest first (``after``: the id of the last one of the previous page; or ``offset``)."""
    total = await conn.fetchval("SELECT count(*) FROM webhook_deliveries WHERE dxp_id = $1 "
                                "AND ($2::text IS NULL OR status = $2)", dxp_id, status)
    return total, await conn.fetch(
        "SELECT w.id, w.receipt_id, w.business_key, w.format, w.status, w.attempts, w.next_attempt_at, "
        "w.last_error, w.last_http_status, w.created_at, w.delivered_at, w.parked_at, w.redelivered, "
        "w.redelivered_by, r.message_type, r.return_status, r.guid "
        "FROM webhook_deliveries w JOIN receipts r USING (receipt_id) "
        "WHERE w.dxp_id = $1 AND ($2::text IS NULL OR w.status = $2) AND ($3::bigint IS NULL OR w.id > $3) "
        "ORDER BY w.id OFFSET $5 LIMIT $4", dxp_id, status, after, limit, offset)


async def counts(conn: asyncpg.Connection, dxp_id: str) -> dict[str, int]:
    rows = await conn.fetch("SELECT status, count(*) AS n FROM webhook_deliveries WHERE dxp_id = $1 GROUP BY status",
                            dxp_id)
    return {r["status"]: r["n"] for r in rows}


async def backlog(conn: asyncpg.Connection) -> tuple[int, int, float]:
    """Deliveries pending, deliveries parked, and how long the oldest pending one waits (s, 0 without one)."""
    row = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE status = 'pending') AS pending, "
        "count(*) FILTER (WHERE status = 'parked') AS parked, "
        "extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')) AS oldest "
        "FROM webhook_deliveries WHERE status IN ('pending', 'parked')")
    return int(row["pending"]), int(row["parked"]), float(row["oldest"] or 0)
