"""What a handler receives: a Kafka record decoded once, at the edge, into a typed message.

The consumer loop (``shared.kafka.consumer``) turns every record it reads into a
:class:`Received` before any handler sees it: the **model** (what the topic carries — an internal
topic's contract from ``shared.contracts``, decoded by :func:`json_contract`; for the topics
enterprises write, the gateway's raw envelope, since reading and verifying *that* is the gateway's
job and must end in error receipts), the **key** as text, the **trace id**, the **headers** and
where it was read (topic, partition, offset). A record its topic's decoder refuses never reaches a
handler: the loop dead-letters it with the decoder's reason.

Nothing is copied: ``record`` is the record as read (its bytes are what a dead letter keeps and
what the gateway's deferred queue and signature check read), the headers are a view of its own.
``Received`` is a plain dataclass — the only validation per record is the contract's own.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

from shared.kafka import headers as H
from shared.tracing import inbound_trace_id, record_trace_id

M = TypeVar("M")
C = TypeVar("C", bound=BaseModel)

HeaderPairs = Sequence[tuple[str, bytes | None]]


class RawRecord(Protocol):
    """A record as read from Kafka: aiokafka's ``ConsumerRecord``, or :class:`Record`."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...
    @property
    def headers(self) -> HeaderPairs: ...


@dataclass(slots=True)
class Record:
    """A record that was read before and kept (the gateway's deferred queue, a test's input)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: HeaderPairs = field(default_factory=list)


class Headers:
    """A record's headers as it came (not copied): the first value of a name, as text."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: HeaderPairs | None) -> None:
        self.pairs: HeaderPairs = pairs or ()

    def get(self, name: str, default: str = "") -> str:
        for key, value in self.pairs:
            if key == name and value:
                return value.decode("utf-8", "replace")
        return default

    def __contains__(self, name: object) -> bool:
        return any(key == name for key, _ in self.pairs)

    def __iter__(self) -> Iterator[tuple[str, bytes | None]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def __repr__(self) -> str:
        return f"Headers({[k for k, _ in self.pairs]})"


@dataclass(slots=True)
class Received(Generic[M]):
    """One message as a handler gets it."""

    model: M
    key: str  # the Kafka key as text ("" without one)
    trace_id: str  # the trace it belongs to (``shared.tracing``)
    headers: Headers
    message_id: str  # what the consumer's inbox knows it by (see ``message_id``)
    record: RawRecord  # as read: its bytes, for dead letters, the deferred queue, signatures

    @property
    def topic(self) -> str:
        return self.record.topic

    @property
    def partition(self) -> int:
        return self.record.partition

    @property
    def offset(self) -> int:
        return self.record.offset

    @property
    def position(self) -> str:
        """``topic:partition:offset``."""
        r = self.record
        return f"{r.topic}:{r.partition}:{r.offset}"


# A topic's decoder: the model of a record's value, or None for a tombstone (nothing to apply).
# Whatever it raises is the reason the record is dead-lettered with.
Decoder = Callable[[RawRecord], M | None]


class Undecodable(ValueError):
    """Raised by a decoder: the record is dead-lettered with exactly this reason."""


def raw_value(record: RawRecord) -> bytes:
    """The decoder of a topic whose records are just bytes (``b""`` for none)."""
    return record.value if record.value is not None else b""


def json_contract(model: type[C], *, tombstones: bool = False) -> Callable[[RawRecord], C | None]:
    """The decoder of a topic carrying ``model`` as JSON; ``tombstones``: a record without a value
    is one (a compacted topic), skipped — elsewhere it is not a ``model``, and dead-lettered."""
    validate = model.model_validate_json

    def decode(record: RawRecord) -> C | None:
        value = record.value
        if value is None:
            if tombstones:
                return None
            raise Undecodable(f"no value: a {model.__name__} was expected")
        return validate(value)

    return decode


def message_id(record: RawRecord, trust_headers: bool = True) -> str:
    """The id the inbox knows a message by: the outbox id when it has one (internal topics, written
    by the services' relays), else its position. On a topic anyone may produce to
    (``trust_headers=False``: ``ceb.inbound…``) only the position counts: a made-up
    ``cbec-message-id`` must not make the inbox skip somebody else's message."""
    if trust_headers:
        for key, value in record.headers or ():
            if key == H.MESSAGE_ID and value:
                return value.decode("ascii", "replace")
    return f"{record.topic}:{record.partition}:{record.offset}"


def receive(record: RawRecord, model: M, trust_headers: bool = True) -> Received[M]:
    """The typed message of ``record`` whose value decoded to ``model``."""
    key = record.key
    # internal topics: cbec-trace-id, else the traceparent's; what an ERP sent: its traceparent's,
    # else its own cbec-trace-id, else a new one (the same for the same record)
    trace = record_trace_id(record) if trust_headers else inbound_trace_id(record)
    return Received(model, key.decode("utf-8", "replace") if key else "", trace, Headers(record.headers),
                    message_id(record, trust_headers), record)


__all__ = ["Decoder", "Headers", "RawRecord", "Received", "Record", "Undecodable", "json_contract", "message_id",
           "raw_value", "receive"]
