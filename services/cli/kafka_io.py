"""Sending messages to ``ceb.inbound`` and reading receipts, as an ERP would.

:class:`Producer` sends many messages over one connection (``cbec send``); :func:`send` one.
:class:`ReceiptReader` reads receipt topics from their beginning, from now, or from a time
(``since``: the first receipt at or after it in each partition, by ``offsets_for_times``), always
``read_committed`` (receipts are published in Kafka transactions), without a consumer group.

``auth`` is what aiokafka is given to authenticate (the secure profile: the enterprise's SASL
principal); ``topic`` an inbound topic other than the shared ``ceb.inbound``, e.g. the
enterprise's own ``ceb.inbound.<DXP id>`` (the only one it may write in the secure profile)."""
from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

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
    timestamp: int = 0  # the record's, ms since the epoch

    @property
    def status(self) -> str:
        return self.receipt.fields.get("returnStatus", "")

    def line(self) -> str:
        f = self.receipt.fields
        return (f"{self.topic:<30} {self.receipt.message_type} key={self.key:<22} status={self.status:<4} "
                f"{f.get('returnInfo', '')}")


class Producer:
    """One idempotent producer for many messages; ``send`` answers when the broker has the message."""

    def __init__(self, bootstrap: str, prefix: str = "", *, auth: dict | None = None) -> None:
        self.prefix = prefix
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                                          max_request_size=8 * 1024 * 1024, **(auth or {}))

    async def __aenter__(self) -> Producer:
        try:
            await self._producer.start()
        except BaseException:
            await self._producer.stop()
            raise
        return self

    async def __aexit__(self, *exc) -> None:
        await self._producer.stop()

    async def send(self, sender_dxp: str, body: bytes, topic: str = topics.INBOUND,
                   headers: list[tuple[str, bytes]] | None = None) -> asyncio.Future:
        """Queue ``body``; the future resolves once the broker has it (order per sender kept)."""
        return await self._producer.send(f"{self.prefix}{topic}", body, key=sender_dxp.encode(), headers=headers)


async def send(bootstrap: str, sender_dxp: str, body: bytes, prefix: str = "", *, topic: str = topics.INBOUND,
               auth: dict | None = None, headers: list[tuple[str, bytes]] | None = None) -> None:
    """``headers``: e.g. the ERP's own ``traceparent`` (its receipts carry the trace id back)."""
    async with Producer(bootstrap, prefix, auth=auth) as producer:
        await (await producer.send(sender_dxp, body, topic, headers=headers))


class ReceiptReader:
    """Reads the receipt topics of some enterprises from their beginning (or from now, or from
    ``since``, seconds since the epoch: then its partitions are assigned, and :meth:`caught_up`
    says whether everything that was there on entering has been read)."""

    def __init__(self, bootstrap: str, dxp_ids: list[str], prefix: str = "", from_beginning: bool = True,
                 *, auth: dict | None = None, group_id: str | None = None, since: float | None = None) -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, auto_offset_reset="earliest" if from_beginning else "latest",
            enable_auto_commit=False, group_id=group_id, metadata_max_age_ms=1000, **(auth or {}),
            isolation_level="read_committed",  # receipts are published in Kafka transactions
        )
        self._topics = [f"{prefix}{topics.receipt_topic(d)}" for d in dxp_ids]
        self._buffer: deque[ReceivedReceipt] = deque()
        self._since = since
        self._ends: dict[TopicPartition, int] = {}
        self._missing: set[str] = set()  # topics not there yet (assigned from their beginning once they are)
        self._checked = 0.0

    async def __aenter__(self) -> ReceiptReader:
        try:
            await self._consumer.start()
        except BaseException:
            await self._consumer.stop()
            raise
        if self._since is None:
            self._consumer.subscribe(self._topics)
        else:
            await self._assign(self._topics, int(self._since * 1000))
        return self

    async def __aexit__(self, *exc) -> None:
        await self._consumer.stop()

    async def _assign(self, names: list[str], since_ms: int | None) -> None:
        """Add the partitions of ``names`` that exist, each positioned at ``since_ms`` (None: its beginning)."""
        cluster = await self._consumer._client.fetch_all_metadata()  # of every topic, new ones too
        found: list[TopicPartition] = []
        self._missing = set()
        for name in names:
            parts = cluster.partitions_for_topic(name)
            if parts:
                found += [TopicPartition(name, p) for p in sorted(parts)]
            else:
                self._missing.add(name)
        if not found:
            return
        # assign() starts every partition afresh: those already read go on from where they are
        kept = {tp: await self._consumer.position(tp) for tp in self._consumer.assignment()}
        self._consumer.assign(sorted({*kept, *found}))
        for tp, at in kept.items():
            self._consumer.seek(tp, at)
        self._ends.update(await self._consumer.end_offsets(found))
        starts = await self._consumer.offsets_for_times({tp: since_ms for tp in found}) if since_ms is not None else {}
        for tp in found:
            at = starts.get(tp)
            if at is not None:
                self._consumer.seek(tp, at.offset)
            elif since_ms is None:
                await self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, self._ends[tp])

    async def caught_up(self) -> bool:
        """Whether every receipt there on entering (``since`` readers) has been read."""
        if self._buffer:
            return False
        for tp, end in self._ends.items():
            if await self._consumer.position(tp) < end:
                return False
        return True

    async def _look_for_missing(self) -> None:
        now = asyncio.get_running_loop().time()
        if self._missing and now - self._checked > 2.0:
            self._checked = now
            await self._assign(sorted(self._missing), None)

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
                    raise TimeoutError
                wait_ms = max(1, min(500, int(left * 1000)))
            if self._since is not None:
                await self._look_for_missing()
                if not self._consumer.assignment():
                    await asyncio.sleep(wait_ms / 1000)
                    continue
            batches = await self._consumer.getmany(timeout_ms=wait_ms)
            for records in batches.values():
                for r in records:
                    self._buffer.append(ReceivedReceipt(
                        topic=r.topic, key=(r.key or b"").decode(), receipt=self.decode(r.value),
                        headers={k: (v or b"").decode() for k, v in r.headers or ()},
                        raw_format="json" if (r.value or b"").lstrip().startswith(b"{") else "xml",
                        raw=r.value or b"", timestamp=r.timestamp,
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
