"""``cbec receipts --since`` / ``cbec send``'s reader on the real broker: from a time, not from offset 0,
and a receipt topic that appears while reading joins without the others being read again."""
from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import AIOKafkaProducer

from services.cli.kafka_io import ReceiptReader
from shared.kafka import topics
from tests.support.stack import ROOT

pytestmark = pytest.mark.integration

RECEIPT = (ROOT / "tests" / "fixtures" / "standard" / "samples-export" / "CEB604Message.xml").read_bytes()
OLD, NEW = "DXPENT0000000091", "DXPENT0000000092"


async def test_reads_from_a_time_and_takes_in_a_topic_that_appears_later(kafka_bootstrap, topic_prefix):
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        old_topic, new_topic = (f"{topic_prefix}{topics.receipt_topic(d)}" for d in (OLD, NEW))
        await producer.send_and_wait(old_topic, RECEIPT, key=b"before")
        await asyncio.sleep(1.0)
        since = time.time()
        await producer.send_and_wait(old_topic, RECEIPT, key=b"after-1")
        async with ReceiptReader(kafka_bootstrap, [OLD, NEW], topic_prefix, since=since) as reader:
            assert (await reader.next(20)).key == "after-1"  # not "before": read from the time on
            assert await reader.caught_up()
            await producer.send_and_wait(new_topic, RECEIPT, key=b"new-1")  # the topic is created now
            await producer.send_and_wait(old_topic, RECEIPT, key=b"after-2")
            keys = [(await reader.next(20)).key for _ in range(2)]
            assert sorted(keys) == ["after-2", "new-1"]
            with pytest.raises(asyncio.TimeoutError):  # nothing read twice
                await reader.next(3)
    finally:
        await producer.stop()
