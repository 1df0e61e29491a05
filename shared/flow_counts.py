"""Flow counts: what each relay round tells the flow monitor (``cbec.flows``).

The monitor shows receipts and dead letters per minute by kind, and how long receipts of each
kind waited between their decision and their publication. Reading every receipt to count it costs
the monitor far more than the count is worth (a faust event per receipt), so the relay that
publishes them counts them instead: per round, one :class:`shared.contracts.FlowCounts` record
in the same Kafka transaction as the round, so each receipt is counted once, however often a
round is retried. The monitor (``services/monitor/flows.py``) adds the records up in its
windowed tables.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Protocol

from shared.contracts import FlowCounts
from shared.kafka import headers as H

# decided → published, upper bounds of the latency buckets in ms; one more bucket above the last
LATENCY_BOUNDS_MS: tuple[int, ...] = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000)

_TYPE = re.compile(rb'"message_type"\s*:\s*"(CEB[0-9]{3})"')
_STATUS = re.compile(rb'"returnStatus"\s*:\s*"(-?[0-9]{1,4})"')
_ISSUED = re.compile(rb'"issued_at"\s*:\s*"([0-9T:.+\-Z ]{19,40})"')


def receipt_kind(value: bytes | None) -> str:
    """``CEB604:120`` — a receipt's message type and status, read from its bytes without decoding
    the whole ReceiptIssued document; ``unreadable`` for garbage."""
    kind = _TYPE.search(value or b"")
    if kind is None:
        return "unreadable"
    status = _STATUS.search(value or b"")
    return f"{kind.group(1).decode()}:{status.group(1).decode() if status else ''}"


def issued_at(value: bytes | None) -> datetime | None:
    """When a receipt was decided (its ``issued_at``), or None."""
    found = _ISSUED.search(value or b"")
    if found is None:
        return None
    try:
        at = datetime.fromisoformat(found.group(1).decode())
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def dead_letter_reason(headers: Iterable[tuple[str, bytes | str | None]] | None) -> str:
    """The reason a dead letter gives in its ``dlq-reason`` header, up to its first colon."""
    for name, value in headers or ():
        if name == H.DLQ_REASON and value:
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            return text.split(":")[0][:60] or "unknown"
    return "unknown"


def latency_bucket(ms: float) -> int:
    return bisect_left(LATENCY_BOUNDS_MS, ms)


def percentile(buckets: Sequence[int], q: float) -> int | None:
    """The upper bound (ms) of the bucket holding the q-quantile; None when empty; the last bucket
    reports twice the last bound."""
    total = sum(buckets)
    if total <= 0:
        return None
    rank, seen = q * total, 0
    for i, n in enumerate(buckets):
        seen += n
        if seen >= rank:
            return LATENCY_BOUNDS_MS[i] if i < len(LATENCY_BOUNDS_MS) else 2 * LATENCY_BOUNDS_MS[-1]
    return 2 * LATENCY_BOUNDS_MS[-1]


class PublishedRow(Protocol):
    """What the tally reads of a row a relay round publishes (``shared.db.outbox.OutboxRow``)."""

    @property
    def topic(self) -> str: ...
    @property
    def value(self) -> bytes: ...
    @property
    def headers(self) -> list[tuple[str, bytes]]: ...


class FlowTally:
    """Counts one round's rows: those on the receipts topic by kind (with their latency), those on
    the inbound dead-letter topic by reason. ``of(rows)`` is the round's record, or None when the
    round has neither."""

    def __init__(self, source: str, receipts_topic: str, dead_letters_topic: str,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.source = source
        self.receipts_topic = receipts_topic
        self.dead_letters_topic = dead_letters_topic
        self.now = now

    def of(self, rows: Iterable[PublishedRow]) -> bytes | None:
        receipts: Counter[str] = Counter()
        dead: Counter[str] = Counter()
        latency: defaultdict[str, list[int]] = defaultdict(lambda: [0] * (len(LATENCY_BOUNDS_MS) + 1))
        now = self.now()
        for row in rows:
            if row.topic == self.receipts_topic:
                kind = receipt_kind(row.value)
                receipts[kind] += 1
                decided = issued_at(row.value)
                if decided is not None:
                    latency[kind][latency_bucket(max(0.0, (now - decided).total_seconds() * 1000))] += 1
            elif row.topic == self.dead_letters_topic:
                dead[dead_letter_reason(row.headers)] += 1
        if not receipts and not dead:
            return None
        counts = FlowCounts(source=self.source, published_at=now, receipts=dict(receipts),
                            dead_letters=dict(dead), latency_ms=dict(latency))
        return counts.__pydantic_serializer__.to_json(counts)
