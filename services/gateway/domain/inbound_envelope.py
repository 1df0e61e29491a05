"""What an enterprise put on an inbound topic, as the gateway's consumer hands it over: the bytes
as sent and the sender they are declared to come from — before anything is read.

Reading and verifying the bytes is the gateway's own job (its answers are error receipts, CEB900
or 100), so the edge of the consumer loop decodes nothing more: an ``InboundEnvelope`` is never
refused there. The sender is the DXP id the topic names (``ceb.inbound.<DXP id>``, which only that
enterprise's principal may write in the secure profile), else, on the shared ``ceb.inbound``, the
Kafka key; a key that names another sender than its topic is a ``conflict`` (dead-lettered by the
intake: nobody to answer).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.kafka import topics
from shared.kafka.received import RawRecord
from shared.messages.errors import WireFormat
from shared.messages.limits import first_significant
from shared.text import storable


@dataclass(frozen=True, slots=True)
class InboundEnvelope:
    raw: bytes  # the record's value as sent (b"" without one)
    sender: str  # the declared sender's DXP id: the topic's, else the key ("" when neither names one)
    queue_sender: str  # the sender as the quota and the deferred queue name it (a key: cut, storable)
    conflict: str = ""  # why the key and the topic disagree on the sender

    @property
    def content_type(self) -> WireFormat:
        """``"xml"`` or ``"json"`` as its first significant byte says, ``""`` when neither."""
        start = first_significant(self.raw)
        first = self.raw[start:start + 1]
        return "xml" if first == b"<" else "json" if first == b"{" else ""


def envelope_reader(topic_prefix: str = "") -> Callable[[RawRecord], InboundEnvelope]:
    """The decoder of the gateway's inbound topics (their full names carry ``topic_prefix``)."""

    def read(record: RawRecord) -> InboundEnvelope:
        key_bytes = record.key
        key = key_bytes.decode("utf-8", "replace") if key_bytes else ""
        raw = record.value if record.value is not None else b""
        named = topics.inbound_sender(record.topic, topic_prefix)
        if named is None:
            return InboundEnvelope(raw, key, storable(key_bytes[:64].decode("utf-8", "replace")) if key_bytes else "")
        conflict = ""
        if key and key != named:
            conflict = (f"sender mismatch: the key {key[:64]!r} is not {named}, the enterprise whose "
                        f"inbound topic {record.topic} this is")
        return InboundEnvelope(raw, named, named, conflict)

    return read
