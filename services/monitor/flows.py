"""The flow monitor: what operators watch — receipts and dead letters per minute, by kind.

This is stream processing proper (windowed counts over topics), so it is a faust app; it is a
*view*, never a source of truth: its tables live in memory and are rebuilt from their changelog
topics, and nothing else reads them. Everything that must not be lost lives in PostgreSQL.

It keeps up with the whole stack by counting per batch, not per record: each agent takes up to
``BATCH`` records (or what came within ``BATCH_WAIT_S``), counts them in a plain dict, and writes
one table update (and so one changelog record) per kind per batch. A receipt's kind is read
from its bytes without decoding the whole ReceiptIssued document. The tables are therefore
keyed by the producer's partitioner and windowed relative to the wall clock (a batch is at most
``BATCH_WAIT_S`` old), which is what lets them be updated for a batch rather than inside one
event's context.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import faust
from mode.utils.times import want_seconds

from shared import metrics
from shared.kafka import topics
from shared.kafka.admin import TopicAdmin

from .settings import MonitorSettings

WINDOW = timedelta(minutes=1)
KEEP = timedelta(hours=6)
BATCH = 2000
BATCH_WAIT_S = 0.5

_TYPE = re.compile(rb'"message_type"\s*:\s*"(CEB[0-9]{3})"')
_STATUS = re.compile(rb'"returnStatus"\s*:\s*"(-?[0-9]{1,4})"')


def receipt_kind(value: bytes | None) -> str:
    """``CEB604:120`` — a receipt's message type and status; ``unreadable`` for garbage."""
    kind = _TYPE.search(value or b"")
    if kind is None:
        return "unreadable"
    status = _STATUS.search(value or b"")
    return f"{kind.group(1).decode()}:{status.group(1).decode() if status else ''}"


def dead_letter_reason(headers) -> str:
    """The reason a dead letter gives in its ``dlq-reason`` header, up to its first colon."""
    reason = dict(headers or {}).get("dlq-reason", b"")
    reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return reason.split(":")[0][:60] or "unknown"


def broker_credentials(settings: MonitorSettings) -> dict:
    """The monitor's SASL principal in the secure profile (faust passes it on to aiokafka)."""
    if not settings.kafka_secured:
        return {}
    return {"broker_credentials": faust.SASLCredentials(
        username=settings.kafka_sasl_username, password=settings.kafka_sasl_password,
        mechanism=settings.kafka_sasl_mechanism, ssl_context=None)}


def build_flow_monitor(settings: MonitorSettings, *, web_port: int = 8083) -> faust.App:
    app = faust.App(
        settings.group("cbec-flow-monitor"),
        broker=f"kafka://{settings.kafka_bootstrap_servers}",
        store="memory://",
        autodiscover=False,
        web_enabled=True,
        web_host=settings.http_host,
        web_bind=settings.http_host,  # faust binds every interface unless told (MONITOR_HTTP_HOST / CBEC_HTTP_HOST)
        web_port=web_port,
        web_in_thread=False,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication or 1,  # its own tables: a view, rebuilt from the topics
        producer_acks=1,
        **broker_credentials(settings),
    )
    receipts_topic = app.topic(settings.topic(topics.RECEIPTS), key_type=bytes, value_type=bytes,
                               key_serializer="raw", value_serializer="raw")
    dlq_topic = app.topic(settings.topic(topics.INBOUND_DLQ), key_type=bytes, value_type=bytes,
                          key_serializer="raw", value_serializer="raw")

    def windowed(name: str):
        table = app.Table(name, default=int, use_partitioner=True)
        return table.tumbling(WINDOW, expires=KEEP, key_index=True).relative_to_now()

    receipts = windowed("receipts-per-minute")
    dead_letters = windowed("dead-letters-per-minute")
    totals = app.Table("receipt-totals", default=int, use_partitioner=True)

    def add(counts: Counter, *tables, counter=None) -> None:
        for kind, n in counts.items():
            for table in tables:
                table[kind] += n
            if counter is not None:
                counter.labels(kind).inc(n)

    @app.agent(receipts_topic)
    async def count_receipts(stream):
        async for values in stream.take(BATCH, within=BATCH_WAIT_S):
            add(Counter(receipt_kind(v) for v in values), receipts, totals, counter=metrics.MONITOR_RECEIPTS)

    @app.agent(dlq_topic)
    async def count_dead_letters(stream):
        async for events in stream.take_events(BATCH, within=BATCH_WAIT_S):
            add(Counter(dead_letter_reason(e.headers) for e in events), dead_letters,
                counter=metrics.MONITOR_DEAD_LETTERS)

    @app.page("/flows/")
    async def flows(web, request):
        return web.json(snapshot(totals, receipts, dead_letters))

    def assigned() -> bool:
        return bool(app.consumer.assignment()) if app.consumer is not None else False

    @app.page("/health")
    async def health(web, request):
        ok = assigned()
        return web.json({"ok": ok, "service": "monitor"}, status=200 if ok else 503)

    @app.page("/health/live")
    async def live(web, request):
        return web.json({"alive": True, "service": "monitor"})

    @app.page("/health/ready")
    async def ready(web, request):
        ok = assigned()
        return web.json({"ready": ok, "service": "monitor", "problems": [] if ok else ["no partitions assigned"]},
                        status=200 if ok else 503)

    @app.page("/metrics")
    async def metrics_page(web, request):
        metrics.MONITOR_ASSIGNED.set(1 if assigned() else 0)
        return web.bytes(metrics.scrape(), content_type="text/plain; version=0.0.4")

    app.flow_tables = (totals, receipts, dead_letters)  # type: ignore[attr-defined]
    return app


def source_topics(settings: MonitorSettings) -> list[str]:
    """The topics the monitor reads: created at start-up if the services have not yet."""
    return [settings.topic(topics.RECEIPTS), settings.topic(topics.INBOUND_DLQ)]


def changelog_topics(app: faust.App) -> dict[str, dict[str, str]]:
    """The tables' changelog topics (name -> config) as faust would declare them."""
    out = {}
    for table in app.tables.values():
        t = table.changelog_topic
        policy = sorted(({"compact"} if t.compacting else set()) | ({"delete"} if t.deleting else set()))
        config = {"cleanup.policy": ",".join(policy)} if policy else {}
        if t.retention:
            config["retention.ms"] = str(int(want_seconds(t.retention) * 1000))
        out[t.get_topic_name()] = config
    return out


async def create_topics(app: faust.App, settings: MonitorSettings) -> None:
    """Before the worker starts: the topics it reads (faust does not create topics it only reads;
    without them it would fail and restart) and its tables' changelog topics (faust, with aiokafka
    0.14, leaves those to the broker's auto-creation, which the secure profile turns off)."""
    admin = TopicAdmin(settings.kafka_bootstrap_servers, settings.topic_partitions, settings.topic_replication,
                       auth=settings.kafka_auth())
    await admin.start()
    try:
        await admin.ensure({**{name: {} for name in source_topics(settings)}, **changelog_topics(app)})
    finally:
        await admin.close()


def snapshot(totals, receipts, dead_letters) -> dict:
    return {
        "receipts_total": dict(totals.items()),
        "receipts_this_minute": {k: v for k, v in receipts.items().now()},
        "dead_letters_this_minute": {k: v for k, v in dead_letters.items().now()},
    }
