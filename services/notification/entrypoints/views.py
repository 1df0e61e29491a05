"""How the API shows receipts, deliveries and subscriptions (camelCase JSON)."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from ..adapters.webhook_store import Subscription


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _next_attempt(status: str, at: datetime | None) -> str | None:
    """When a pending delivery is tried next; ``None`` while it waits behind an earlier receipt."""
    if status != "pending" or at is None or at.year >= 9999:
        return None
    return at.isoformat()


def _waiting(status: str, at: datetime | None) -> bool:
    return status == "pending" and at is not None and at.year >= 9999


def history_view(r: asyncpg.Record) -> dict:
    webhook = None
    if r["webhook_id"] is not None:
        webhook = {"deliveryId": r["webhook_id"], "status": r["webhook_status"], "attempts": r["webhook_attempts"],
                   "lastError": r["webhook_last_error"], "lastHttpStatus": r["webhook_last_http_status"],
                   "nextAttemptAt": _next_attempt(r["webhook_status"], r["webhook_next_attempt_at"]),
                   "waitingBehindEarlier": _waiting(r["webhook_status"], r["webhook_next_attempt_at"]),
                   "deliveredAt": _iso(r["webhook_delivered_at"]), "parkedAt": _iso(r["webhook_parked_at"]),
                   "redelivered": r["webhook_redelivered"]}
    return {
        "seq": r["seq"], "receiptId": str(r["receipt_id"]), "messageType": r["message_type"],
        "businessKey": r["business_key"], "guid": r["guid"], "returnStatus": r["return_status"],
        "fields": r["fields"], "issuedAt": _iso(r["issued_at"]), "issuedBy": r["issued_by"],
        "traceId": r["trace_id"], "format": r["format"],
        "channels": {"kafka": {"status": r["kafka_status"], "queuedAt": _iso(r["queued_at"])}, "webhook": webhook},
    }


def delivery_view(r: asyncpg.Record) -> dict:
    return {
        "deliveryId": r["id"], "receiptId": str(r["receipt_id"]), "messageType": r["message_type"],
        "businessKey": r["business_key"], "guid": r["guid"], "returnStatus": r["return_status"],
        "format": r["format"], "status": r["status"], "attempts": r["attempts"],
        "nextAttemptAt": _next_attempt(r["status"], r["next_attempt_at"]),
        "waitingBehindEarlier": _waiting(r["status"], r["next_attempt_at"]),
        "lastError": r["last_error"], "lastHttpStatus": r["last_http_status"], "createdAt": _iso(r["created_at"]),
        "deliveredAt": _iso(r["delivered_at"]), "parkedAt": _iso(r["parked_at"]),
        "redelivered": r["redelivered"], "redeliveredBy": r["redelivered_by"],
    }


def subscription_view(s: Subscription) -> dict:
    return {"dxpId": s.dxp_id, "url": s.url, "active": s.active, "createdAt": _iso(s.created_at),
            "updatedAt": _iso(s.updated_at)}
