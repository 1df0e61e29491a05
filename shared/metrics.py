"""The platform's Prometheus metrics: their names in one place, and the ``/metrics`` route.

Counters and histograms are updated by the hooks of ``shared.kafka.instrumentation`` (consumers,
dead letters); the state of the pipes (consumer lag, outbox, relay, webhook deliveries) is read
from ``shared.pipes`` when Prometheus scrapes. ``deploy/grafana/cbec.json`` draws these names
(``tests/contract/test_observability_deploy.py`` checks it asks for no other).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

MESSAGES = Counter("cbec_messages_processed", "Messages a consumer applied (committed), by topic and message type",
                   ["consumer", "topic", "message_type"])
BATCHES = Counter("cbec_batches", "Batches a consumer read, by outcome (committed, transient_failure)",
                  ["consumer", "outcome"])
BATCH_SECONDS = Histogram("cbec_batch_seconds", "From reading a batch to committing its offsets",
                          ["consumer"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
DEAD_LETTERS = Counter("cbec_dead_letters", "Messages set aside as dead letters, by dead-letter topic and reason",
                       ["topic", "reason"])
# the flow monitor's (services/monitor/flows.py): what it counted
MONITOR_RECEIPTS = Counter("cbec_monitor_receipts", "Receipts the flow monitor counted, by kind (CEB604:120)",
                           ["kind"])
MONITOR_DEAD_LETTERS = Counter("cbec_monitor_dead_letters", "Dead letters the flow monitor counted, by reason",
                               ["reason"])
MONITOR_ASSIGNED = Gauge("cbec_monitor_assigned", "1 while the flow monitor has partitions to read")

# read at scrape time from shared.pipes (each a gauge unless named *_total)
PIPE_METRICS = {
    "cbec_consumer_lag": ("gauge", "Records on a partition not yet read by the consumer (last stable offset - position)",
                          ["consumer", "topic", "partition"]),
    "cbec_consumer_seconds_since_progress": ("gauge", "Seconds since the consumer last committed a batch or found "
                                             "nothing to read", ["consumer"]),
    "cbec_consumer_stuck": ("gauge", "1 when the consumer makes no progress with records waiting", ["consumer"]),
    "cbec_outbox_rows": ("gauge", "Rows in the outbox waiting for the relay", []),
    "cbec_outbox_oldest_age_seconds": ("gauge", "Age of the oldest row in the outbox", []),
    "cbec_outbox_parked_rows": ("gauge", "Outbox rows the broker refused for good (GET /outbox/parked)", []),
    "cbec_relay_holder": ("gauge", "1 on the instance whose relay publishes the service's outbox", []),
    "cbec_relay_seconds_since_round": ("gauge", "Seconds since the relay's last round", []),
    "cbec_relay_published_total": ("counter", "Outbox rows this instance's relay published", []),
    "cbec_relay_parked_total": ("counter", "Outbox rows this instance's relay parked", []),
    "cbec_webhook_deliveries": ("gauge", "Webhook deliveries not yet finished, by state (pending, parked)", ["state"]),
    "cbec_webhook_oldest_pending_age_seconds": ("gauge", "Age of the oldest pending webhook delivery", []),
    "cbec_webhook_attempts_total": ("counter", "Webhook delivery attempts of this instance, by outcome "
                                    "(delivered, failed, parked)", ["outcome"]),
    "cbec_ready": ("gauge", "1 while the service is ready (GET /health/ready)", []),
}

# every name a scrape can show (histograms and counters with their suffixes)
EXPORTED = {
    *(f"{m._name}_total" for m in (MESSAGES, BATCHES, DEAD_LETTERS, MONITOR_RECEIPTS, MONITOR_DEAD_LETTERS)),
    MONITOR_ASSIGNED._name,
    *(f"{BATCH_SECONDS._name}_{s}" for s in ("bucket", "count", "sum")),
    *PIPE_METRICS,
}

Sample = tuple[str, dict[str, str], float]


class PipesCollector(Collector):
    """Yields the last snapshot of every source registered with :func:`watch_pipes`."""

    def __init__(self) -> None:
        self.sources: list[Callable[[], list[Sample]]] = []

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        samples: dict[str, list[tuple[dict[str, str], float]]] = {}
        for source in self.sources:
            for name, labels, value in source():
                samples.setdefault(name, []).append((labels, value))
        for name, (kind, doc, label_names) in PIPE_METRICS.items():
            if name not in samples:
                continue
            family = (CounterMetricFamily(name.removesuffix("_total"), doc, labels=label_names) if kind == "counter"
                      else GaugeMetricFamily(name, doc, labels=label_names))
            for labels, value in samples[name]:
                family.add_metric([labels.get(n, "") for n in label_names], value)
            yield family


_collector: PipesCollector | None = None


def watch_pipes(source: Callable[[], list[Sample]]) -> None:
    """Add ``source`` (the last snapshot of a service's pipes, as samples) to every scrape."""
    global _collector
    if _collector is None:
        _collector = PipesCollector()
        REGISTRY.register(_collector)
    _collector.sources.append(source)


def scrape() -> bytes:
    return generate_latest(REGISTRY)


def add_metrics_route(app: FastAPI, refresh: Callable[[], Awaitable[object]] | None = None) -> None:
    """``GET /metrics`` (Prometheus text format; open, like ``/health``). ``refresh`` reads the
    pipes' state first."""

    @app.get("/metrics", tags=["service"], summary="Prometheus metrics", response_class=Response)
    async def get_metrics() -> Response:
        if refresh is not None:
            await refresh()
        return Response(scrape(), media_type=CONTENT_TYPE_LATEST)
