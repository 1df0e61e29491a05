"""The flow monitor: what operators watch — receipts and dead letters per minute, by kind.

This is stream processing proper (windowed counts over topics), so it is a faust app; it is a
*view*, never a source of truth: its tables live in memory and are rebuilt from their changelog
topics, and nothing else reads them. Everything that must not be lost lives in PostgreSQL.
"""
from __future__ import annotations

import json
from datetime import timedelta

import faust

from shared.config import Settings
from shared.kafka import topics

WINDOW = timedelta(minutes=1)
KEEP = timedelta(hours=6)


def receipt_kind(value: bytes) -> str:
    """``CEB604:120`` — a receipt's message type and status; ``unreadable`` for garbage."""
    try:
        receipt = json.loads(value)
        return f"{receipt['message_type']}:{receipt['fields'].get('returnStatus', '')}"
    except (ValueError, KeyError, TypeError):
        return "unreadable"


def build_flow_monitor(settings: Settings, *, web_port: int = 8083) -> faust.App:
    app = faust.App(
        settings.group("cbec-flow-monitor"),
        broker=f"kafka://{settings.kafka_bootstrap_servers}",
        store="memory://",
        autodiscover=False,
        web_enabled=True,
        web_host=settings.http_host,
        web_port=web_port,
        web_in_thread=False,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=1,
        producer_acks=1,
    )
    receipts_topic = app.topic(settings.topic(topics.RECEIPTS), key_type=bytes, value_type=bytes,
                               key_serializer="raw", value_serializer="raw")
    dlq_topic = app.topic(settings.topic(topics.INBOUND_DLQ), key_type=bytes, value_type=bytes,
                          key_serializer="raw", value_serializer="raw")
    receipts = app.Table("receipts-per-minute", default=int).tumbling(WINDOW, expires=KEEP, key_index=True)
    dead_letters = app.Table("dead-letters-per-minute", default=int).tumbling(WINDOW, expires=KEEP, key_index=True)
    totals = app.Table("receipt-totals", default=int)

    @app.agent(receipts_topic)
    async def count_receipts(stream):
        async for value in stream:
            kind = receipt_kind(value)
            receipts[kind] += 1
            totals[kind] += 1

    @app.agent(dlq_topic)
    async def count_dead_letters(stream):
        async for event in stream.events():
            reason = dict(event.headers or {}).get("dlq-reason", b"")
            reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
            dead_letters[reason.split(":")[0][:60] or "unknown"] += 1

    @app.page("/flows/")
    async def flows(web, request):
        return web.json(snapshot(totals, receipts, dead_letters))

    @app.page("/health")
    async def health(web, request):
        assigned = bool(app.consumer.assignment()) if app.consumer is not None else False
        return web.json({"ok": assigned, "service": "monitor"}, status=200 if assigned else 503)

    app.flow_tables = (totals, receipts, dead_letters)  # type: ignore[attr-defined]
    return app


def snapshot(totals, receipts, dead_letters) -> dict:
    return {
        "receipts_total": dict(totals.items()),
        "receipts_this_minute": {k: v for k, v in receipts.items().now()},
        "dead_letters_this_minute": {k: v for k, v in dead_letters.items().now()},
    }
