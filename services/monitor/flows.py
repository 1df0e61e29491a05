"""The flow monitor: what operators watch — receipts and dead letters per minute, by kind, and how
long each kind of receipt waited between its decision and its publication.

This is stream processing proper (windowed counts over a topic), so it is a faust app; it is a
*view*, never a source of truth: its tables live in memory and are rebuilt from their changelog
topics, and nothing else reads them. Everything that must not be lost lives in PostgreSQL.

It keeps up with the whole stack at any rate because it does not read every receipt: the relays
count what each round publishes and write one :class:`shared.contracts.FlowCounts` record per
round on ``cbec.flows``, in the round's Kafka transaction (``shared/flow_counts.py``), so every
receipt and dead letter is counted exactly once on the topic. The monitor adds those records up,
per batch of records (``BATCH``, or what came within ``BATCH_WAIT_S``): one table update per kind
per batch. The tables are windowed relative to the wall clock (a batch is at most
``BATCH_WAIT_S`` old), which is what lets them be updated for a batch rather than inside one
event's context.
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import faust
from mode.utils.times import want_seconds
from pydantic import ValidationError

from shared import metrics
from shared.contracts import FlowCounts
from shared.flow_counts import LATENCY_BOUNDS_MS, percentile
from shared.kafka import topics
from shared.kafka.admin import TopicAdmin

from .settings import MonitorSettings

WINDOW = timedelta(minutes=1)
KEEP = timedelta(hours=6)
BATCH = 2000
BATCH_WAIT_S = 0.5
BUCKETS = len(LATENCY_BOUNDS_MS) + 1


def read_counts(values: list[bytes]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Receipts by kind, dead letters by reason, receipts by ``kind|bucket`` of a batch of
    ``cbec.flows`` records (an unreadable record counts as one ``unreadable`` receipt)."""
    receipts: Counter[str] = Counter()
    dead: Counter[str] = Counter()
    latency: Counter[str] = Counter()
    for value in values:
        try:
            counts = FlowCounts.model_validate_json(value)
        except ValidationError:
            receipts["unreadable"] += 1
            continue
        receipts.update(counts.receipts)
        dead.update(counts.dead_letters)
        for kind, buckets in counts.latency_ms.items():
            for bucket, n in enumerate(buckets[:BUCKETS]):
                if n:
                    latency[f"{kind}|{bucket}"] += n
    return receipts, dead, latency


def latency_summary(cells: dict[str, int]) -> dict[str, dict[str, int | None]]:
    """``{"CEB604:120|3": 5, ...}`` → ``{"CEB604:120": {"count": 5, "p50": 100, "p99": 100}}``."""
    per_kind: dict[str, list[int]] = {}
    for cell, n in cells.items():
        kind, _, bucket = cell.rpartition("|")
        if bucket.isdigit() and int(bucket) < BUCKETS:
            per_kind.setdefault(kind, [0] * BUCKETS)[int(bucket)] += n
    return {kind: {"count": sum(b), "p50": percentile(b, 0.5), "p90": percentile(b, 0.9), "p99": percentile(b, 0.99)}
            for kind, b in sorted(per_kind.items())}


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
    flows_topic = app.topic(settings.topic(topics.FLOWS), key_type=bytes, value_type=bytes,
                            key_serializer="raw", value_serializer="raw")

    def windowed(name: str) -> Any:
        table = app.Table(name, default=int, use_partitioner=True)
        return table.tumbling(WINDOW, expires=KEEP, key_index=True).relative_to_now()

    receipts = windowed("receipts-per-minute")
    dead_letters = windowed("dead-letters-per-minute")
    latency = windowed("receipt-latency-per-minute")
    totals = app.Table("receipt-totals", default=int, use_partitioner=True)

    def add(counts: Counter[str], *tables: Any, counter: Any = None) -> None:
        for kind, n in counts.items():
            for table in tables:
                table[kind] += n
            if counter is not None:
                counter.labels(kind).inc(n)

    @app.agent(flows_topic)
    async def count_flows(stream: Any) -> None:
        async for values in stream.take(BATCH, within=BATCH_WAIT_S):
            by_kind, by_reason, by_latency = read_counts(values)
            add(by_kind, receipts, totals, counter=metrics.MONITOR_RECEIPTS)
            add(by_reason, dead_letters, counter=metrics.MONITOR_DEAD_LETTERS)
            add(by_latency, latency)

    @app.page("/flows/")
    async def flows(web, request):
        return web.json(snapshot(totals, receipts, dead_letters, latency))

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

    app.flow_tables = (totals, receipts, dead_letters, latency)  # type: ignore[attr-defined]
    return app


def source_topics(settings: MonitorSettings) -> list[str]:
    """The topics the monitor reads: created at start-up if the services have not yet."""
    return [settings.topic(topics.FLOWS)]


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


def snapshot(totals: Any, receipts: Any, dead_letters: Any, latency: Any) -> dict[str, Any]:
    return {
        "receipts_total": dict(totals.items()),
        "receipts_this_minute": {k: v for k, v in receipts.items().now()},
        "dead_letters_this_minute": {k: v for k, v in dead_letters.items().now()},
        # decided → published, ms (the upper bound of the bucket: shared.flow_counts.LATENCY_BOUNDS_MS)
        "receipt_latency_ms_this_minute": latency_summary({k: v for k, v in latency.items().now()}),
    }
