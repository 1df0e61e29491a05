"""Message and receipt ids are time-ordered (UUID version 7): later ids sort after earlier ones,
so the indexes keyed by them grow at one edge."""
from __future__ import annotations

import time
import uuid

from shared.db.outbox import OutgoingMessage
from shared.ids import time_ordered_uuid


def test_ids_are_version_7_and_unique():
    ids = [time_ordered_uuid() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert {(i.version, i.variant) for i in ids} == {(7, uuid.RFC_4122)}


def test_an_id_made_later_sorts_after_the_earlier_ones_as_uuid_and_as_text():
    first = [time_ordered_uuid() for _ in range(100)]
    time.sleep(0.002)
    later = time_ordered_uuid()
    assert all(f < later for f in first)
    assert all(str(f) < str(later) for f in first)
    assert abs((later.int >> 80) - time.time_ns() // 1_000_000) < 1000  # its first 48 bits: now, in ms


def test_outgoing_messages_get_time_ordered_ids():
    a = OutgoingMessage.of("t", "k", b"x")
    time.sleep(0.002)
    b = OutgoingMessage(topic="t", key=None, value=b"y")
    assert a.message_id.version == b.message_id.version == 7
    assert a.message_id < b.message_id
