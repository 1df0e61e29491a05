"""Sending messages to ``ceb.inbound`` and reading receipts, as an ERP would.

``auth`` is what aiokafka is given to authenticate (the secure profile: the enterprise's SASL
principal); ``topic`` an inbound topic other than the shared ``ceb.inbound``, e.g. the
enterprise's own ``ceb.inbound.<DXP id>`` (the only one it may write in the secure profile)."""
from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.kafka import topics
from shared.messages import decode_receipt
from shared.messages.model import Receipt


@dataclass
class ReceivedReceipt:
    topic: str
    key: str
    receipt: Receipt
    headers: dict[str, str]
    raw_format: str = "xml"
    raw: bytes = b""  # the receipt as the enterprise received it

    @property
    def status(self) -> str:
        return self.receipt.fields.get("returnStatus", "")

    def line(self) -> str:
        f = self.receipt.fields
        return (f"{self.topic:<30} {self.receipt.message_type} key={self.key:<22} status={self.status:<4} "
                f"{f.get('returnInfo', '')}")


async def send(bootstrap: str, sender_dxp: str, body: bytes, prefix: str = "", *, topic: str = topics.INBOUND,
               auth: dict | None = None, headers: list[tuple[str, bytes]] | None = None) -> None:
    """``headers``: e.g. the ERP's own ``traceparent`` (its receipts carry the trace id back)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, **(auth or {}))
    await producer.start()
    try:
        await producer.send_and_wait(f"{prefix}{topic}", body, key=sender_dxp.encode(), headers=headers)
    finally:
        await producer.stop()


class ReceiptReader:
    """Reads the receipt topics of some enterprises from their beginning (or from now)."""

    def __init__(self, bootstrap: str, dxp_ids: list[str], prefix: str = "", from_beginning: bool = True,
                 *, auth: dict | None = None, group_id: str | None = None) -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, auto_offset_reset="earliest" if from_beginning else "latest",
            enable_auto_commit=False, group_id=group_id, metadata_max_age_ms=1000, **(auth or {}),
            isolation_level="read_committed",  # receipts are published in Kafka transactions
        )
        self._topics = [f"{prefix}{topics.receipt_topic(d)}" for d in dxp_ids]
        self._buffer: deque[ReceivedReceipt] = deque()

    async def __aenter__(self) -> "ReceiptReader":
        await self._consumer.start()
        self._consumer.subscribe(self._topics)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._consumer.stop()

    def decode(self, raw: bytes) -> Receipt:
        return decode_receipt(raw)

    async def next(self, timeout: float | None = None) -> ReceivedReceipt:
        """The next receipt, in the order of its partition; ``asyncio.TimeoutError`` if none comes."""
        deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout
        while not self._buffer:
            wait_ms = 500
            if deadline is not None:
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    raise asyncio.TimeoutError
                wait_ms = max(1, min(500, int(left * 1000)))
            batches = await self._consumer.getmany(timeout_ms=wait_ms)
            for records in batches.values():
                for r in records:
                    self._buffer.append(ReceivedReceipt(
                        topic=r.topic, key=(r.key or b"").decode(), receipt=self.decode(r.value),
                        headers={k: (v or b"").decode() for k, v in r.headers or ()},
                        raw_format="json" if (r.value or b"").lstrip().startswith(b"{") else "xml",
                        raw=r.value or b"",
                    ))
        return self._buffer.popleft()

    async def wait_for(self, predicate, timeout: float = 60.0, seen: list | None = None) -> ReceivedReceipt:
        """Read until a receipt matches ``predicate``; everything read is appended to ``seen``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            rr = await self.next(max(0.0, deadline - asyncio.get_running_loop().time()))
            if seen is not None:
                seen.append(rr)
            if predicate(rr):
                return rr
