"""Receipts, their Kafka deliveries and the enterprise projection, in notification's schema.

Writes take whole batches (one round trip each) so a consumer batch of hundreds of receipts costs
a handful of statements.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

import asyncpg
import pydantic_core

from shared.contracts import EnterpriseRegistered, ReceiptIssued


@dataclass(frozen=True)
class KnownEnterprise:
    code: str
    dxp_id: str
    receipt_format: str | None


class KafkaDelivery(NamedTuple):  # one per receipt and enterprise: a tuple is cheap to make
    receipt_id: str
    dxp_id: str
    format: str
    message_id: uuid.UUID


async def record_receipts(conn: asyncpg.Connection, receipts: list[ReceiptIssued]) -> set[str]:
    """Store receipts not seen before; return the ids of those that are new."""
    if not receipts:
        return set()
    rows = await conn.fetch(
        "INSERT INTO receipts (receipt_id, message_type, business_key, guid, return_status, fields, "
        "issued_at, issued_by, trace_id) "
        "SELECT id, mt, bk, guid, rs, f, at, by, tr FROM ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS "
        "(id uuid, mt text, bk text, guid text, rs text, f jsonb, at timestamptz, by text, tr text)) "
        "WITH ORDINALITY AS t(id, mt, bk, guid, rs, f, at, by, tr, n) "
        "ORDER BY n ON CONFLICT (receipt_id) DO NOTHING RETURNING receipt_id::text",
        rows_json([{"id": r.receipt_id, "mt": r.message_type, "bk": r.business_key, "guid": r.fields.get("guid", ""),
                "rs": r.fields.get("returnStatus", ""), "f": r.fields, "at": _aware(r.issued_at), "by": r.issued_by,
                "tr": r.trace_id} for r in receipts]))
    return {r[0] for r in rows}


def rows_json(rows: list[dict]) -> str:
    """A batch of rows as one JSON document: one parameter instead of an array per column, which
    asyncpg would encode element by element."""
    try:
        return pydantic_core.to_json(rows).decode()
    except ValueError:  # text JSON cannot carry (a lone surrogate): json's text, for PostgreSQL to refuse as before
        return json.dumps(rows, ensure_ascii=False, default=str)


def _aware(at: datetime) -> datetime:
    """A time without an offset is UTC, as asyncpg took it when it was sent as a timestamptz."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


async def enterprises_by_code(conn: asyncpg.Connection, codes: set[str]) -> dict[str, KnownEnterprise]:
    if not codes:
        return {}
    rows = await conn.fetch("SELECT code, dxp_id, receipt_format FROM enterprises WHERE code = ANY($1::text[])",
                            list(codes))
    return {r["code"]: KnownEnterprise(r["code"], r["dxp_id"], r["receipt_format"]) for r in rows}


async def is_registered(conn: asyncpg.Connection, dxp_id: str) -> bool:
    return bool(await conn.fetchval("SELECT true FROM enterprises WHERE dxp_id = $1 LIMIT 1", dxp_id))


async def record_kafka_deliveries(conn: asyncpg.Connection, deliveries: list[KafkaDelivery]) -> None:
    if not deliveries:
        return
    await conn.execute(
        "INSERT INTO deliveries (receipt_id, dxp_id, channel, format, status, message_id) "
        "SELECT id, dxp, 'kafka', fmt, 'queued', mid FROM ROWS FROM (jsonb_to_recordset($1::text::jsonb) AS "
        "(id uuid, dxp text, fmt text, mid uuid)) WITH ORDINALITY AS t(id, dxp, fmt, mid, n) "
        "ORDER BY n ON CONFLICT DO NOTHING",
        rows_json([{"id": d.receipt_id, "dxp": d.dxp_id, "fmt": d.format, "mid": d.message_id} for d in deliveries]))


async def project_enterprise(conn: asyncpg.Connection, e: EnterpriseRegistered) -> None:
    await conn.execute(
        "INSERT INTO enterprises (code, name, dxp_id, roles, receipt_format) VALUES ($1,$2,$3,$4,$5) "
        "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, dxp_id = EXCLUDED.dxp_id, "
        "roles = EXCLUDED.roles, receipt_format = EXCLUDED.receipt_format, updated_at = now()",
        e.code, e.name, e.dxp_id, e.roles, e.receipt_format)


HISTORY_SELECT = """
SELECT r.receipt_id, r.message_type, r.business_key, r.guid, r.return_status, r.fields, r.issued_at,
       r.issued_by, r.trace_id, d.format, d.queued_at, d.seq,
       CASE WHEN d.message_id IS NOT NULL AND EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = d.message_id)
            THEN 'queued' ELSE 'published' END AS kafka_status,
       w.id AS webhook_id, w.status AS webhook_status, w.attempts AS webhook_attempts,
       w.last_error AS webhook_last_error, w.last_http_status AS webhook_last_http_status,
       w.next_attempt_at AS webhook_next_attempt_at, w.delivered_at AS webhook_delivered_at,
       w.parked_at AS webhook_parked_at, w.redelivered AS webhook_redelivered
FROM deliveries d
JOIN receipts r USING (receipt_id)
LEFT JOIN webhook_deliveries w ON w.receipt_id = d.receipt_id AND w.dxp_id = d.dxp_id
"""


async def history(conn: asyncpg.Connection, dxp_id: str, *, business_key: str | None, guid: str | None,
                  since: datetime | None, until: datetime | None, after: int | None, limit: int,
                  offset: int = 0) -> tuple[int, list[asyncpg.Record]]:
    """How many receipts match (the filters, not ``after``), and a page of them in the order they
    were queued for the enterprise, with each channel's status (``after``: a cursor, the ``seq``
    of the last receipt of the previous page; or ``offset``).

    Only the filters given become conditions, so each search gets the plan of its own index
    (business key, guid, issue time or the enterprise's sequence)."""
    where = ["d.dxp_id = $1", "d.channel = 'kafka'"]
    args: list = [dxp_id]

    def add(condition: str, value) -> None:
        args.append(value)
        where.append(condition.replace("?", f"${len(args)}"))

    if business_key is not None:
        add("r.business_key = ?", business_key)
    if guid is not None:
        add("(r.guid = ? OR r.receipt_id::text = lower(?))", guid)
    if since is not None:
        add("r.issued_at >= ?", since)
    if until is not None:
        add("r.issued_at < ?", until)
    total = await conn.fetchval("SELECT count(*) FROM deliveries d JOIN receipts r USING (receipt_id) "
                                f"WHERE {' AND '.join(where)}", *args)
    if after is not None:
        add("d.seq > ?", after)
    sql = (f"{HISTORY_SELECT} WHERE {' AND '.join(where)} ORDER BY d.seq "
           f"OFFSET ${len(args) + 1} LIMIT ${len(args) + 2}")
    return total, await conn.fetch(sql, *args, offset, limit)


async def for_replay(conn: asyncpg.Connection, dxp_id: str, since: datetime, until: datetime | None,
                     after_seq: int, limit: int) -> list[asyncpg.Record]:
    """An enterprise's receipts issued in ``[since, until)``, in the order they were first queued."""
    return await conn.fetch(
        "SELECT d.seq, d.format, r.receipt_id, r.message_type, r.business_key, r.fields, r.trace_id "
        "FROM deliveries d JOIN receipts r USING (receipt_id) "
        "WHERE d.dxp_id = $1 AND d.channel = 'kafka' AND r.issued_at >= $2 "
        "AND ($3::timestamptz IS NULL OR r.issued_at < $3) AND d.seq > $4 ORDER BY d.seq LIMIT $5",
        dxp_id, since, until, after_seq, limit)


async def record_replay(conn: asyncpg.Connection, dxp_id: str, since: datetime, until: datetime | None,
                        operator: str, count: int) -> int:
    return await conn.fetchval(
        "INSERT INTO replays (dxp_id, since, until, operator, receipts) VALUES ($1,$2,$3,$4,$5) RETURNING id",
        dxp_id, since, until, operator, count)


async def replays(conn: asyncpg.Connection, dxp_id: str, offset: int = 0,
                  limit: int = 100) -> tuple[int, list[asyncpg.Record]]:
    """How many replays of an enterprise's receipts were asked for, and a page of them, newest first."""
    total = await conn.fetchval("SELECT count(*) FROM replays WHERE dxp_id = $1", dxp_id)
    return total, await conn.fetch("SELECT id, since, until, operator, receipts, requested_at FROM replays "
                                   "WHERE dxp_id = $1 ORDER BY id DESC OFFSET $2 LIMIT $3", dxp_id, offset, limit)
