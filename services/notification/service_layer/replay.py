"""Replaying an enterprise's receipts to its topic (its ERP lost its state).

The receipts issued in ``[since, until)`` are queued again through the outbox, in the order they
were first delivered, rendered as before, keyed by business key, with their original
``cbec-receipt-id`` and the header ``cbec-replay: true``. The request is recorded with the operator
who made it. Large replays are written in chunks, each in a unit of work of its own (the relay
starts on the first while the next is read); the outbox keeps order.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from shared.db.outbox import OutgoingMessage
from shared.db.unit_of_work import UnitsOfWork
from shared.kafka import topics

from ..adapters import receipt_store
from ..domain.receipt_rendering import ReceiptRenderer
from ..settings import NotificationSettings
from .delivery import REPLAY_HEADER, receipt_headers

CHUNK = 1000


@dataclass(frozen=True)
class ReplayDone:
    replay_id: int
    receipts: int


async def replay(units: UnitsOfWork, settings: NotificationSettings, renderer: ReceiptRenderer, dxp_id: str, *,
                 since: datetime, until: datetime | None, operator: str) -> ReplayDone:
    topic = settings.topic(topics.receipt_topic(dxp_id))
    count, after = 0, 0
    while True:
        async with units() as uow:
            rows = await receipt_store.for_replay(uow.conn, dxp_id, since, until, after, CHUNK)
            uow.emit_all(_message(topic, renderer, r, dxp_id) for r in rows)
            count += len(rows)
            if len(rows) < CHUNK:
                replay_id = await receipt_store.record_replay(uow.conn, dxp_id, since, until, operator, count)
                return ReplayDone(replay_id, count)
        after = rows[-1]["seq"]


def _message(topic: str, renderer: ReceiptRenderer, row: asyncpg.Record, dxp_id: str) -> OutgoingMessage:
    receipt_id = str(row["receipt_id"])
    fields = row["fields"]
    body = renderer.receipt_body(row["message_type"], receipt_id, fields, row["format"], dxp_id)
    headers = receipt_headers(receipt_id, row["trace_id"], row["message_type"], fields.get("returnStatus", ""))
    headers[REPLAY_HEADER] = "true"
    return OutgoingMessage.of(topic, row["business_key"], body, headers)
