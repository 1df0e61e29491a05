"""Reading a topic from its beginning, as a test that checks what was published."""
from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer


async def read_records(bootstrap: str, topic: str, count: int, timeout: float = 20) -> list:
    """The first ``count`` records of ``topic`` (each partition in order); TimeoutError if fewer come."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None,
                                metadata_max_age_ms=1000)
    await consumer.start()
    out: list = []
    try:
        async def collect() -> None:
            while len(out) < count:
                for recs in (await consumer.getmany(timeout_ms=300)).values():
                    out.extend(recs)
        await asyncio.wait_for(collect(), timeout)
    finally:
        await consumer.stop()
    return out
