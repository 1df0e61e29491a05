"""Reading a topic from its beginning, as a test that checks what was published."""
from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer

from shared.kafka import topics
from tests.support.receipt_checks import check_receipt


def _checked(topic: str, records: list) -> list:
    """Records of an enterprise's receipt topic are receipts: each is checked against the schema."""
    if topics.RECEIPT_TOPIC_PREFIX in topic:
        for record in records:
            check_receipt(record.value)
    return records


async def read_records(bootstrap: str, topic: str, count: int, timeout: float = 20, auth: dict | None = None) -> list:
    """The first ``count`` records of ``topic`` (each partition in order); TimeoutError if fewer come."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None,
                                metadata_max_age_ms=1000, isolation_level="read_committed", **(auth or {}))
    await consumer.start()
    out: list = []
    try:
        async def collect() -> None:
            while len(out) < count:
                for recs in (await consumer.getmany(timeout_ms=300)).values():
                    out.extend(_checked(topic, recs))
        await asyncio.wait_for(collect(), timeout)
    finally:
        await consumer.stop()
    return out


async def read_all(bootstrap: str, topic: str, timeout: float = 20) -> list:
    """Every record ``topic`` holds now (up to its partitions' end offsets)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None,
                                enable_auto_commit=False, metadata_max_age_ms=1000, isolation_level="read_committed")
    await consumer.start()
    out: list = []
    try:
        async def collect() -> None:
            while not consumer.assignment():
                await asyncio.sleep(0.1)
            ends = await consumer.end_offsets(list(consumer.assignment()))
            while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
                for recs in (await consumer.getmany(timeout_ms=300)).values():
                    out.extend(_checked(topic, recs))
        await asyncio.wait_for(collect(), timeout)
    finally:
        await consumer.stop()
    return out


async def drain_until(reader, seen: list, done, timeout: float = 30, settle: float = 2.0) -> None:
    """Read until ``done()`` holds, then a little longer so that a doubled receipt would show."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not done() and loop.time() < deadline:
        try:
            seen.append(await reader.next(max(0.1, deadline - loop.time())))
        except TimeoutError:
            break
    try:
        while True:
            seen.append(await reader.next(settle))
    except TimeoutError:
        pass
