"""The relays' flow counts: what a round published, by kind, reason and latency bucket."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from services.monitor.flows import latency_summary, read_counts
from shared.contracts import FlowCounts
from shared.flow_counts import LATENCY_BOUNDS_MS, FlowTally, issued_at, percentile

NOW = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)


@dataclass
class Row:
    topic: str
    value: bytes
    headers: list = field(default_factory=list)


def receipt(status: str, waited_ms: int) -> bytes:
    return json.dumps({"receipt_id": "x", "message_type": "CEB604", "business_key": "k",
                       "fields": {"guid": "g", "returnStatus": status},
                       "issued_at": (NOW - timedelta(milliseconds=waited_ms)).isoformat()}).encode()


def test_a_round_is_counted_by_kind_reason_and_latency_and_other_topics_are_not():
    tally = FlowTally("management", "cbec.receipts", "ceb.inbound.dlq", now=lambda: NOW)
    rows = [Row("cbec.receipts", receipt("120", 40)), Row("cbec.receipts", receipt("120", 40)),
            Row("cbec.receipts", receipt("2", 700)), Row("cbec.declarations", b"{}"),
            Row("ceb.inbound.dlq", b"x", [("dlq-reason", b"unregistered sender: DXP1")])]
    counts = FlowCounts.model_validate_json(tally.of(rows) or b"")
    assert counts.source == "management"
    assert counts.receipts == {"CEB604:120": 2, "CEB604:2": 1}
    assert counts.dead_letters == {"unregistered sender": 1}
    assert counts.latency_ms["CEB604:120"][LATENCY_BOUNDS_MS.index(50)] == 2  # 40 ms: the 25–50 ms bucket
    assert counts.latency_ms["CEB604:2"][LATENCY_BOUNDS_MS.index(1000)] == 1
    assert tally.of([Row("cbec.declarations", b"{}")]) is None  # nothing watched: no record


def test_the_monitor_adds_rounds_up_and_names_percentiles():
    tally = FlowTally("gateway", "cbec.receipts", "ceb.inbound.dlq", now=lambda: NOW)
    one = tally.of([Row("cbec.receipts", receipt("2", 5))] * 99 + [Row("cbec.receipts", receipt("2", 20000))])
    two = tally.of([Row("cbec.receipts", receipt("2", 5))])
    receipts, dead, cells = read_counts([one or b"", two or b"", b"garbage"])
    assert receipts == {"CEB604:2": 101, "unreadable": 1} and not dead
    summary = latency_summary(dict(cells))["CEB604:2"]
    assert summary["count"] == 101 and summary["p50"] == 10 and summary["p99"] == 10
    assert percentile([0] * len(LATENCY_BOUNDS_MS) + [3], 0.5) == 2 * LATENCY_BOUNDS_MS[-1]
    assert percentile([0, 0], 0.5) is None


def test_issued_at_is_read_from_the_bytes_or_not_at_all():
    assert issued_at(receipt("2", 0)) == NOW
    assert issued_at(b'{"issued_at": "yesterday-ish"}') is None
    assert issued_at(None) is None
