"""Trace ids and W3C Trace Context across the platform's topics, and OpenTelemetry spans.

- **The trace id** of a message is the one of the inbound message it descends from: the
  ``traceparent`` an ERP sent (its 32-hex trace id), else the ERP's own ``cbec-trace-id``, else one
  the gateway starts (derived from the record's position, so a redelivered copy gets the same).
  It travels in every internal contract (``trace_id``) and as the ``cbec-trace-id`` header.
- **traceparent** (``00-<trace id>-<span id>-<flags>``) is added to every outgoing message that
  names a trace (:func:`with_traceparent`, called by the outbox), so Kafka tools and tracing
  back-ends follow a list from the ERP's message to every receipt. A trace id that is not 32 hex
  digits (an ERP's own ``cbec-trace-id``) is carried as the first 32 hex digits of its SHA-256.
- **The trace of the message being handled** is a context variable (:func:`bind`, :func:`current`):
  the log formatter writes it on every line.
- **Spans** are exported only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (:func:`configure`, called
  by ``shared.runtime.serve``; the SDK is imported then, never at import time): one span per
  consumed message, a child of the ``traceparent`` it came with; the messages it causes carry the
  span's id as their parent.
"""
from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from shared.config import ProcessSettings
from shared.kafka import headers as H

log = logging.getLogger(__name__)

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16

_current: ContextVar[str] = ContextVar("cbec_trace_id", default="")
# the spans of the messages being handled in this task, by trace id (see ``consumer_spans``)
_spans: ContextVar[Mapping[str, Any]] = ContextVar("cbec_spans", default=MappingProxyType({}))  # read-only
_tracer: Any = None  # an OpenTelemetry tracer once configure() found an endpoint


@dataclass(frozen=True)
class TraceParent:
    trace_id: str
    span_id: str
    flags: str = "01"

    def header(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


def parse_traceparent(value: str | bytes | None) -> TraceParent | None:
    """A valid W3C ``traceparent`` (version 00, or a later one read as 00), else None."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    m = _TRACEPARENT.match((value or "").strip())
    if m is None or m.group(1) == "ff" or m.group(2) == _ZERO_TRACE or m.group(3) == _ZERO_SPAN:
        return None
    if m.group(1) == "00" and m.group(5):
        return None  # version 00 has exactly four fields
    return TraceParent(m.group(2), m.group(3), m.group(4))


def w3c_trace_id(trace_id: str) -> str:
    """The 32-hex trace id a trace is known by in ``traceparent``."""
    if _HEX32.match(trace_id) and trace_id != _ZERO_TRACE:
        return trace_id
    return hashlib.sha256(trace_id.encode("utf-8", "replace")).hexdigest()[:32]


def _header(record_headers: Iterable[tuple[str, bytes | None]] | None, name: str) -> str:
    for key, value in record_headers or ():
        if key == name and value:
            return value.decode("utf-8", "replace")
    return ""


def inbound_trace_id(record: Any) -> str:
    """The trace id of a message an ERP sent: its traceparent's, its own cbec-trace-id, or a new
    one (the same for the same record)."""
    parent = parse_traceparent(_header(record.headers, H.TRACEPARENT))
    if parent is not None:
        return parent.trace_id
    own = _header(record.headers, H.TRACE_ID)
    if own:
        return own
    return hashlib.sha256(f"{record.topic}-{record.partition}-{record.offset}".encode()).hexdigest()[:32]


def record_trace_id(record: Any) -> str:
    """The trace id an internal message carries (``cbec-trace-id``, else its traceparent's)."""
    own = _header(record.headers, H.TRACE_ID)
    if own:
        return own
    parent = parse_traceparent(_header(record.headers, H.TRACEPARENT))
    return parent.trace_id if parent is not None else ""


# --- the trace of the message being handled -------------------------------------------------------

def bind(trace_id: str) -> None:
    """From here on in this task, log lines name ``trace_id`` (the message being handled)."""
    _current.set(trace_id or "")


def current() -> str:
    return _current.get()


# --- traceparent on outgoing messages ---------------------------------------------------------------

def traceparent_for(trace_id: str) -> str:
    """The traceparent of a message of trace ``trace_id`` sent now: the handling span's id as its
    parent when spans are recorded, else a fresh span id."""
    span = _spans.get().get(trace_id)
    if span is not None:
        ctx = span.get_span_context()
        return TraceParent(f"{ctx.trace_id:032x}", f"{ctx.span_id:016x}", f"{int(ctx.trace_flags):02x}").header()
    return TraceParent(w3c_trace_id(trace_id), secrets.token_hex(8)).header()


def with_traceparent(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` and, when they name a trace and carry no traceparent, its traceparent."""
    trace_id = ""
    for key, value in headers:
        if key == H.TRACEPARENT:
            return headers
        if key == H.TRACE_ID:
            trace_id = value
    trace_id = trace_id or current()
    if not trace_id:
        return headers
    return [*headers, (H.TRACEPARENT, traceparent_for(trace_id))]


# --- spans ----------------------------------------------------------------------------------------------

def configure(service: str, env: Mapping[str, str] | None = None) -> bool:
    """Export spans over OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the exporter reads
    the other ``OTEL_*`` variables itself); whether it does."""
    global _tracer
    settings = ProcessSettings.from_env(env)
    if not settings.otlp_endpoint:
        return False
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = settings.otel_service_name or f"cbec-{service}"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _tracer = trace.get_tracer("cbec-clearance")
    log.info("%s: exporting spans to %s", service, settings.otlp_endpoint)
    return True


def set_tracer(tracer: Any) -> None:
    """Record spans with ``tracer`` (None: no spans). For tests and ``configure``."""
    global _tracer
    _tracer = tracer


class ConsumerSpans:
    """The spans of one batch's messages (none unless spans are exported): opened when the batch
    is read, closed when it is committed or given up."""

    def __init__(self, consumer: str, records: list[Any]) -> None:
        self._spans: dict[str, Any] = {}
        if _tracer is None:
            return
        from opentelemetry import trace
        from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags

        for r in records:
            trace_id = record_trace_id(r) or inbound_trace_id(r)
            if trace_id in self._spans:
                continue
            parent = parse_traceparent(_header(r.headers, H.TRACEPARENT))
            if parent is None:
                parent = TraceParent(w3c_trace_id(trace_id), secrets.token_hex(8))
            ctx = trace.set_span_in_context(NonRecordingSpan(SpanContext(
                int(parent.trace_id, 16), int(parent.span_id, 16), is_remote=True,
                trace_flags=TraceFlags(int(parent.flags, 16)))))
            self._spans[trace_id] = _tracer.start_span(
                f"{consumer} process", context=ctx, kind=SpanKind.CONSUMER,
                attributes={"messaging.system": "kafka", "messaging.destination.name": r.topic,
                            "messaging.kafka.destination.partition": r.partition,
                            "messaging.kafka.message.offset": r.offset, "cbec.trace_id": trace_id})
        if self._spans:
            _spans.set(self._spans)

    def end(self, error: BaseException | None = None) -> None:
        if not self._spans:
            return
        from opentelemetry.trace import Status, StatusCode

        for span in self._spans.values():
            if error is not None:
                span.set_status(Status(StatusCode.ERROR, repr(error)[:200]))
            span.end()
        self._spans = {}
        _spans.set({})
