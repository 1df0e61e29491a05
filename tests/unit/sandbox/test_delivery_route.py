"""The sandbox's delivery outcomes within one batch of receipts (a fake connection for the held table)."""
from __future__ import annotations

from shared.db.outbox import OutgoingMessage
from shared.sandbox.delivery import DeliveryRoute
from shared.sandbox.outcomes import Outcome


class FakeConnection:
    def __init__(self) -> None:
        self.held: list[tuple] = []

    async def fetch(self, *args):
        return []

    async def executemany(self, sql, rows):
        self.held += rows


def receipt(status: str, key: bytes = b"AG1") -> OutgoingMessage:
    return OutgoingMessage("ceb.receipts.DXPENT0000000001", key, status.encode(), [("cbec-receipt-id", status)])


async def test_lost_doubled_reordered_and_delayed_receipts():
    sent: list[OutgoingMessage] = []
    route, conn = DeliveryRoute("notification", sent.append), FakeConnection()
    route.send(Outcome("reorder").delivery(), receipt("2"))
    route.send(None, receipt("120"))
    route.send(Outcome("duplicate").delivery(), receipt("399"))
    route.send(Outcome("no_receipt").delivery(), receipt("800"))
    route.send(Outcome("delay", delay_s=60).delivery(), receipt("899"))
    await route.flush(conn)
    assert [m.value for m in sent] == [b"120", b"399", b"399", b"2"]
    assert sent[1].message_id != sent[2].message_id and sent[1].headers == sent[2].headers
    assert [(row[1], row[4]) for row in conn.held] == [("delay", b"899")]  # held in the table until due


async def test_a_reordered_receipt_with_nothing_after_it_in_the_batch_waits_in_the_table():
    sent: list[OutgoingMessage] = []
    route, conn = DeliveryRoute("notification", sent.append), FakeConnection()
    route.send(None, receipt("2", b"OTHER"))
    route.send(Outcome("reorder").delivery(), receipt("2"))
    await route.flush(conn)
    assert [m.key for m in sent] == [b"OTHER"]
    assert [(row[1], row[-1]) for row in conn.held] == [("reorder", True)]
