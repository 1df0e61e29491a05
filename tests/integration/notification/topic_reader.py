"""Reading an enterprise's receipt topic from its beginning, raw: (key, headers, value) in partition order."""
from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer

from tests.support.receipt_checks import check_receipt


class TopicReader:
    """Reads ``ceb.receipts.<DXP>`` from the beginning: (key, headers, value) in partition order;
    every value is checked against the official schema (``check_receipt``)."""

    def __init__(self, kafka: str, topic: str) -> None:
        self._consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka, auto_offset_reset="earliest",
                                          enable_auto_commit=False, group_id=None, metadata_max_age_ms=500,
                                          isolation_level="read_committed")
        self.records: list = []

    async def __aenter__(self) -> TopicReader:
        await self._consumer.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self._consumer.stop()

    def _add(self, r) -> None:
        check_receipt(r.value)
        self.records.append((r.key.decode(), {k: v.decode() for k, v in r.headers}, r.value))

    async def read_until(self, predicate, timeout: float = 30.0) -> list:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate(self.records):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"topic reader: condition not met in {timeout}s ({len(self.records)} records)")
            for recs in (await self._consumer.getmany(timeout_ms=200)).values():
                for r in recs:
                    self._add(r)
        return self.records

    async def drain(self, seconds: float) -> list:
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            for recs in (await self._consumer.getmany(timeout_ms=200)).values():
                for r in recs:
                    self._add(r)
        return self.records
