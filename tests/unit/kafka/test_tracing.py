"""W3C Trace Context as the platform reads it from ERPs and writes it on every message."""
from __future__ import annotations

from dataclasses import dataclass, field

from shared import tracing
from shared.tracing import inbound_trace_id, parse_traceparent, with_traceparent

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@dataclass
class Record:
    headers: list = field(default_factory=list)
    topic: str = "ceb.inbound"
    partition: int = 0
    offset: int = 7


def test_a_valid_traceparent_is_read_and_broken_ones_are_not():
    p = parse_traceparent(f"00-{TRACE}-00f067aa0ba902b7-01")
    assert (p.trace_id, p.span_id, p.flags) == (TRACE, "00f067aa0ba902b7", "01")
    for bad in ("", "00-xyz", f"00-{'0' * 32}-00f067aa0ba902b7-01", f"00-{TRACE}-{'0' * 16}-01",
                f"ff-{TRACE}-00f067aa0ba902b7-01", f"00-{TRACE.upper()}-00f067aa0ba902b7-01",
                f"00-{TRACE}-00f067aa0ba902b7-01-extra"):
        assert parse_traceparent(bad) is None, bad
    assert parse_traceparent(f"01-{TRACE}-00f067aa0ba902b7-01-future").trace_id == TRACE  # a later version


def test_the_inbound_trace_is_the_erps_traceparent_then_its_own_id_then_a_stable_new_one():
    assert inbound_trace_id(Record([("traceparent", f"00-{TRACE}-00f067aa0ba902b7-01".encode()),
                                    ("cbec-trace-id", b"erp-42")])) == TRACE
    assert inbound_trace_id(Record([("cbec-trace-id", b"erp-42")])) == "erp-42"
    fresh = inbound_trace_id(Record([("traceparent", b"garbage")]))
    assert len(fresh) == 32 and fresh == inbound_trace_id(Record()) != inbound_trace_id(Record(offset=8))


def test_an_outgoing_message_that_names_its_trace_gets_a_traceparent_of_it():
    out = dict(with_traceparent([("cbec-trace-id", TRACE)]))
    p = parse_traceparent(out["traceparent"])
    assert p.trace_id == TRACE and p.flags == "01"
    # an ERP's own id that is not 32 hex digits: the same 32-hex id every time
    a = parse_traceparent(dict(with_traceparent([("cbec-trace-id", "erp-42")]))["traceparent"])
    b = parse_traceparent(dict(with_traceparent([("cbec-trace-id", "erp-42")]))["traceparent"])
    assert a.trace_id == b.trace_id and len(a.trace_id) == 32
    kept = [("cbec-trace-id", TRACE), ("traceparent", f"00-{TRACE}-00f067aa0ba902b7-01")]
    assert with_traceparent(kept) == kept
    assert with_traceparent([("dlq-reason", "x")]) == [("dlq-reason", "x")]  # no trace named, none bound


def test_a_dead_letter_takes_the_trace_of_the_message_being_handled():
    tracing.bind(TRACE)
    try:
        p = parse_traceparent(dict(with_traceparent([("dlq-reason", "x")]))["traceparent"])
    finally:
        tracing.bind("")
    assert p.trace_id == TRACE


def test_spans_are_off_without_an_endpoint():
    assert tracing.configure("gateway", {}) is False
