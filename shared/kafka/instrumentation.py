"""The hooks ``shared.kafka.consumer`` calls: metrics, progress, spans and trace ids of its batches.

Kept out of the consumer loop so that the loop reads as what it does: a batch is *started*
(:func:`batch_started`: its spans open, its messages' trace ids are logged at DEBUG), then
*committed* or *failed*; a message set aside is *dead-lettered*. ``Progress`` is what
``shared.pipes`` reads to tell a consumer that keeps up from one that is stuck.
"""
from __future__ import annotations

import logging
import re
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from shared import metrics, tracing
from shared.kafka import headers as H

log = logging.getLogger("cbec.consume")

_TYPE = re.compile(rb"CEB[0-9]{3}(?=Message)|\"message_type\"\s*:\s*\"(CEB[0-9]{3})\"")
SNIFF_BYTES = 1024


def message_type(record: Any) -> str:
    """The CEB type of a record, from its header or its first bytes (``CEB603``), else ``other``."""
    for key, value in record.headers or ():
        if key == H.MESSAGE_TYPE and value:
            return str(value.decode("ascii", "replace"))[:16]
    m = _TYPE.search((record.value or b"")[:SNIFF_BYTES])
    if m is None:
        return "other"
    return (m.group(1) or m.group(0)).decode()


@dataclass
class Progress:
    """When a consumer last moved, and the batch it is in."""

    last_progress: float = field(default_factory=time.monotonic)
    batch_started_at: float | None = None
    batch_size: int = 0


_progress: weakref.WeakKeyDictionary[Any, Progress] = weakref.WeakKeyDictionary()


def progress_of(consumer: Any) -> Progress:
    return _progress.setdefault(consumer, Progress())


class BatchWatch:
    def __init__(self, consumer: Any, records: list[Any]) -> None:
        self._consumer = consumer
        self._records = records
        self._started = time.monotonic()
        self._progress = progress_of(consumer)
        self._progress.batch_started_at = self._started
        self._progress.batch_size = len(records)
        self._spans = tracing.ConsumerSpans(consumer.name, records)
        if log.isEnabledFor(logging.DEBUG):
            for r in records:
                tracing.bind(tracing.record_trace_id(r) or tracing.inbound_trace_id(r))
                log.debug("%s: read %s %s[%d]@%d", consumer.name, message_type(r), r.topic, r.partition, r.offset)
            tracing.bind("")

    def committed(self) -> None:
        now = time.monotonic()
        name = self._consumer.name
        metrics.BATCH_SECONDS.labels(name).observe(now - self._started)
        metrics.BATCHES.labels(name, "committed").inc()
        counts: dict[tuple[str, str], int] = {}
        for r in self._records:
            k = (r.topic, message_type(r))
            counts[k] = counts.get(k, 0) + 1
        for (topic, kind), n in counts.items():
            metrics.MESSAGES.labels(name, topic, kind).inc(n)
        self._progress.last_progress = now
        self._progress.batch_started_at = None
        self._spans.end()
        tracing.bind("")

    def failed(self, error: BaseException) -> None:
        metrics.BATCHES.labels(self._consumer.name, "transient_failure").inc()
        self._progress.batch_started_at = None
        self._spans.end(error)
        tracing.bind("")


def batch_started(consumer: Any, records: list[Any]) -> BatchWatch:
    return BatchWatch(consumer, records)


def idle(consumer: Any) -> None:
    """The consumer asked for records and there were none: it is keeping up."""
    progress_of(consumer).last_progress = time.monotonic()


def reason_class(reason: str) -> str:
    """A dead letter's reason as a metric label: up to its first colon (``ValidationError``,
    ``sender mismatch``)."""
    return (reason.split(":", 1)[0].strip() or "unknown")[:60]


def dead_lettered(topic: str, reason: str) -> None:
    metrics.DEAD_LETTERS.labels(topic, reason_class(reason)).inc()
